// Runs one server process: open the logger, build the app, listen, and shut down gracefully on a signal.
import type { Config } from '../platform/config/config.ts'
import { createLogger } from '../platform/logging/logger.ts'
import { createLifecycle } from '../platform/lifecycle/state.ts'
import { shutdownGracefully } from '../platform/lifecycle/shutdown.ts'
import { buildApp } from '../app.ts'
import { CONFIG_EXIT_CODE } from '../platform/config/loader.ts'
import { createFirstAdminKey, printFirstAdminKey } from './bootstrap.ts'
import { openDatabase, StartupRefusal } from './database.ts'

/** Signals this close to the first are the same signal delivered twice, not a request to hurry. */
const DUPLICATE_SIGNAL_WINDOW_MS = 250

export interface ServeOptions {
  version: string
  /** Configuration warnings to log once the logger exists. */
  warnings: readonly string[]
}

export async function serve(config: Readonly<Config>, options: ServeOptions): Promise<void> {
  const { logger, flush } = createLogger(config.log)
  for (const warning of options.warnings) logger.warn({ setting: warning.split(':', 1)[0] }, warning)

  const lifecycle = createLifecycle()
  const database = await openDatabase(config, logger).catch(async (error: unknown) => {
    const refused = error instanceof StartupRefusal
    logger.fatal({ error }, refused ? error.message : 'cannot open the database')
    await flush()
    return process.exit(refused ? CONFIG_EXIT_CODE : 1)
  })
  const app = await buildApp(config, { logger, lifecycle, database, version: options.version })
  // Closed after the listener and every connection: no request can still be using it.
  app.addHook('onClose', () => database.close())
  let firstKey: string | undefined
  try {
    if (config.env !== 'production') {
      firstKey = await createFirstAdminKey(app.accounts.apiKeys, database, logger)
    } else if (await app.accounts.apiKeys.isEmpty()) {
      logger.warn(
        'no API key or user exists: create one with `bulwark keys create` or `bulwark users create`',
      )
    }
  } catch (error) {
    // Pending migrations (MIGRATE_ON_START=false) or an outage: serving (and failing readiness) beats exiting.
    logger.warn({ error }, 'could not check for a first admin API key')
  }

  let firstSignalAt: number | undefined
  const exit = async (code: number) => {
    await flush()
    process.exit(code)
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      // Under `npm start` a terminal's Ctrl-C reaches node twice (from the TTY and forwarded by npm)
      // within milliseconds; only a signal sent after that counts as the operator's second one.
      if (performance.now() - firstSignalAt < DUPLICATE_SIGNAL_WINDOW_MS) return
      logger.warn({ signal }, 'second signal: exiting now without finishing the shutdown')
      void exit(1)
      return
    }
    firstSignalAt = performance.now()
    logger.info({ signal }, 'shutdown requested')
    shutdownGracefully({ app, lifecycle, log: logger }, config.lifecycle).then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ error }, 'shutdown failed')
        return exit(1)
      },
    )
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  process.on('uncaughtException', (error) => {
    logger.fatal({ error }, 'uncaught exception; exiting')
    void exit(1)
  })
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ error: reason }, 'unhandled promise rejection; exiting')
    void exit(1)
  })

  const address = await app.listen({ host: config.server.host, port: config.server.port })
  lifecycle.markReady()
  const bound = app.server.address()
  const port = typeof bound === 'object' && bound !== null ? bound.port : config.server.port
  if (firstKey !== undefined) {
    const host =
      config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host
    printFirstAdminKey(firstKey, `http://${host}:${port}`, (text) => process.stderr.write(text))
  }
  logger.info({ address, port, env: config.env }, 'listening')
}
