// `bulwark serve`: with WORKERS=1 one process runs the HTTP server and the management listener; with more,
// this process is the primary (supervisor, management listener, embedded database) and forks the workers,
// which run this same command and find themselves workers.
import cluster from 'node:cluster'
import type { Config } from '../platform/config/config.ts'
import { createLogger } from '../platform/logging/logger.ts'
import { runProcess } from './process.ts'

export interface ServeOptions {
  version: string
  /** Configuration warnings to log once the logger exists. */
  warnings: readonly string[]
  /** Things worth saying once at info (a development secret generated now). */
  notices?: readonly string[]
}

export async function serve(config: Readonly<Config>, options: ServeOptions): Promise<void> {
  // The primary logged the warnings and notices already.
  // Each role imports only what it runs: the primary never loads the app (nor mathjs), a worker never the
  // supervisor.
  if (cluster.isWorker) {
    const { runWorker } = await import('./worker.ts')
    return runWorker(config, { version: options.version })
  }
  const processLogger = createLogger(
    config.log,
    undefined,
    config.workers.count > 1 ? { worker: 'primary' } : {},
  )
  const { logger } = processLogger
  // logrotate moved the file (deploy/logrotate/bulwark): open LOG_FILE again. Only this process has it open.
  if (config.log.file !== undefined) process.on('SIGUSR2', () => processLogger.reopenFile())
  for (const warning of options.warnings) logger.warn({ setting: warning.split(':', 1)[0] }, warning)
  for (const notice of options.notices ?? []) logger.info(notice)
  if (config.workers.count > 1) {
    const { runPrimary } = await import('./primary.ts')
    return runPrimary(config, processLogger, { version: options.version })
  }
  const [{ startServer }, { startAdmin }, { singleProcessSource }] = await Promise.all([
    import('./http-server.ts'),
    import('./admin-server.ts'),
    import('./single-process.ts'),
  ])
  await runProcess(processLogger, async (controls) => {
    const server = await startServer(config, { logger, version: options.version, controls })
    const admin = await startAdmin(config, {
      log: logger,
      version: options.version,
      source: singleProcessSource(server, logger),
    })
    server.resources.add('management listener', () => admin.close())
  })
}
