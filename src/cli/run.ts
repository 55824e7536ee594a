// Runners of serve, config check and openapi; imported only when one of them runs.
import { writeFileSync } from 'node:fs'
import { readSourcedEnvironment } from '../platform/config/environment.ts'
import { runConfigCheck } from './config-check.ts'
import { loadOrExit } from './load-config.ts'

export async function serveCommand(version: string): Promise<undefined> {
  const { config, warnings, notices } = loadOrExit()
  const { serve } = await import('../server/serve.ts')
  await serve(config, { version, warnings, notices })
  return undefined
}

export function configCheckCommand(out: (line: string) => void): Promise<number> {
  return runConfigCheck(readSourcedEnvironment(process.env, process.cwd()), out)
}

export async function openapiCommand(version: string, file: string | boolean | undefined): Promise<number> {
  const { generateOpenApi } = await import('./openapi.ts')
  const document = await generateOpenApi(version)
  if (typeof file === 'string') writeFileSync(file, document)
  else process.stdout.write(document)
  return 0
}
