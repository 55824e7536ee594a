// `bulwark serve`: one process running one HTTP server, logging to the process logger.
import type { Config } from '../platform/config/config.ts'
import { createLogger } from '../platform/logging/logger.ts'
import { startServer } from './http-server.ts'
import { runProcess } from './process.ts'

export interface ServeOptions {
  version: string
  /** Configuration warnings to log once the logger exists. */
  warnings: readonly string[]
  /** Things worth saying once at info (a development secret generated now). */
  notices?: readonly string[]
}

export async function serve(config: Readonly<Config>, options: ServeOptions): Promise<void> {
  const processLogger = createLogger(config.log)
  const { logger } = processLogger
  for (const warning of options.warnings) logger.warn({ setting: warning.split(':', 1)[0] }, warning)
  for (const notice of options.notices ?? []) logger.info(notice)
  await runProcess(processLogger, (controls) =>
    startServer(config, { logger, version: options.version, controls }),
  )
}
