// Runs one server process: open the logger and the database, build the app, listen, prepare the database
// (in the background for PostgreSQL) and shut down gracefully on a signal, closing resources newest first.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../platform/config/config.ts'
import { createLogger, FASTIFY_LISTEN_TEXT } from '../platform/logging/logger.ts'
import { createCloseRegistry } from '../platform/lifecycle/close-registry.ts'
import { createLifecycle } from '../platform/lifecycle/state.ts'
import { shutdownGracefully } from '../platform/lifecycle/shutdown.ts'
import { trackConnections } from '../platform/http/connections.ts'
import { localBaseUrl } from '../platform/http/local-url.ts'
import { createDatabase, type Database } from '../platform/db/database.ts'
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts'
import { buildApp, type App } from '../app.ts'
import { CONFIG_EXIT_CODE } from '../platform/config/loader.ts'
import { createFirstAdminKey, printCreateKeyHint, printFirstAdminKey } from './bootstrap.ts'
import { prepareDatabase, prepareInBackground, StartupRefusal } from './database.ts'
import { DATA_DIR_LOCKED_EXIT_CODE, PORT_UNAVAILABLE_EXIT_CODE } from './exit-codes.ts'

/** Signals this close to the first are the same signal delivered twice, not a request to hurry. */
const DUPLICATE_SIGNAL_WINDOW_MS = 250

export interface ServeOptions {
  version: string
  /** Configuration warnings to log once the logger exists. */
  warnings: readonly string[]
  /** Things worth saying once at info (a development secret generated now). */
  notices?: readonly string[]
}

export async function serve(config: Readonly<Config>, options: ServeOptions): Promise<void> {
  const { logger, flush } = createLogger(config.log)
  for (const warning of options.warnings) logger.warn({ setting: warning.split(':', 1)[0] }, warning)
  for (const notice of options.notices ?? []) logger.info(notice)
  const exit = async (code: number) => {
    await flush()
    process.exit(code)
  }
  const fatal = async (error: unknown, message: string, code: number) => {
    logger.fatal({ error }, message)
    return exit(code)
  }

  const lifecycle = createLifecycle()
  const resources = createCloseRegistry({ log: logger })
  let database: Database
  try {
    database = createDatabase(config.db, logger)
  } catch (error) {
    if (error instanceof DataDirLockedError) return fatal(undefined, error.message, DATA_DIR_LOCKED_EXIT_CODE)
    return fatal(error, 'cannot open the database', 1)
  }
  resources.add('database', () => database.close())
  // The embedded database is local: prepared before listening, and a failure here is final.
  if (database.backend === 'pglite') {
    await prepareDatabase(config, database, logger).catch((error: unknown) =>
      error instanceof StartupRefusal
        ? fatal(undefined, error.message, CONFIG_EXIT_CODE)
        : fatal(error, 'cannot prepare the embedded database', 1),
    )
  }
  const app = await buildApp(config, { logger, lifecycle, database, version: options.version })
  const connections = trackConnections(app.server)

  let firstSignalAt: number | undefined
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
    shutdownGracefully({ app, connections, lifecycle, log: logger }, config.lifecycle)
      // The server is closed: no request can still use what it opened.
      .then(() => resources.closeAll())
      .then(
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

  let address: string
  try {
    address = await app.listen({
      host: config.server.host,
      port: config.server.port,
      listenTextResolver: () => FASTIFY_LISTEN_TEXT,
    })
  } catch (error) {
    const refusal = listenRefusal(error, config.server.port)
    if (refusal === undefined) throw error
    return fatal(undefined, refusal, PORT_UNAVAILABLE_EXIT_CODE)
  }
  lifecycle.markReady()
  const bound = app.server.address()
  const port = typeof bound === 'object' && bound !== null ? bound.port : config.server.port
  const baseUrl = localBaseUrl(config.server.host, port)
  database.dataDirLock?.setUrl(baseUrl)
  logger.info({ address, port, env: config.env }, 'listening')

  if (database.backend === 'pglite') {
    await offerFirstAdminKey(config, app, database, logger, baseUrl)
    return
  }
  const preparation = prepareInBackground(config, database, logger)
  // Stopped before the database closes (registered after it, so closed before it).
  resources.add('database preparation', () => preparation.stop())
  preparation.ready.then(
    () => offerFirstAdminKey(config, app, database, logger, baseUrl),
    (error: unknown) => {
      if (error instanceof StartupRefusal) return fatal(undefined, error.message, CONFIG_EXIT_CODE)
      // Aborted by the shutdown: nothing to do.
      return undefined
    },
  )
}

/** One line for a port that cannot be had (in use, or privileged), or undefined for anything else. */
function listenRefusal(error: unknown, port: number): string | undefined {
  const code = (error as { code?: unknown }).code
  if (code === 'EADDRINUSE') return `port ${port} is in use; stop what listens there or set PORT`
  if (code === 'EACCES') return `port ${port} needs privileges this process lacks; set PORT above 1023`
  if (code === 'EADDRNOTAVAIL') return `HOST is not an address of this machine; set HOST (or 0.0.0.0)`
  return undefined
}

/**
 * Outside production, once the server listens and the database is prepared: with no API key and no user,
 * create an admin key and print it at once. Production only says how to create one.
 */
async function offerFirstAdminKey(
  config: Readonly<Config>,
  app: App,
  database: Database,
  logger: FastifyBaseLogger,
  baseUrl: string,
): Promise<void> {
  try {
    if (config.env !== 'production') {
      const key = await createFirstAdminKey(app.accounts.apiKeys, database, logger)
      if (key !== undefined) printFirstAdminKey(key, baseUrl, (text) => process.stderr.write(text))
      else if (!(await app.accounts.apiKeys.anyUsed())) {
        // Keys exist but none was ever used: the first one may have been lost. Say how to make another.
        printCreateKeyHint(database.backend === 'pglite', (text) => process.stderr.write(text))
      }
    } else if (await app.accounts.apiKeys.isEmpty()) {
      logger.warn(
        'no API key or user exists: create one with `npx bulwark keys create` or `npx bulwark users create`',
      )
    }
  } catch (error) {
    // Pending migrations (MIGRATE_ON_START=false) or an outage: serving (and failing readiness) beats exiting.
    logger.warn({ error }, 'could not check for a first admin API key')
  }
}
