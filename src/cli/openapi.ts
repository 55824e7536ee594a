// `bulwark openapi`: the OpenAPI document as generated from the route schemas (docs enabled, no listener).
import pino from 'pino'
import { buildApp } from '../app.ts'
import { loadConfig } from '../platform/config/loader.ts'
import { createLifecycle } from '../platform/lifecycle/state.ts'

/** The document as written to openapi.json: stable key order, two-space indent, final newline. */
export async function generateOpenApi(version: string): Promise<string> {
  const result = loadConfig({ NODE_ENV: 'test', DOCS_ENABLED: 'true' })
  if (!result.ok) throw new Error(result.problems.join('; '))
  const app = await buildApp(result.config, {
    logger: pino({ level: 'silent' }),
    lifecycle: createLifecycle(),
    version,
  })
  await app.ready()
  const document = app.swagger()
  await app.close()
  return `${JSON.stringify(document, null, 2)}\n`
}
