// One HTTP server: open the database, build the app, listen, prepare the database (in the background for
// PostgreSQL), and the graceful shutdown that closes what it opened, newest first.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../platform/config/config.ts'
import { CONFIG_EXIT_CODE } from '../platform/config/loader.ts'
import { FASTIFY_LISTEN_TEXT } from '../platform/logging/logger.ts'
import { createCloseRegistry, type CloseRegistry } from '../platform/lifecycle/close-registry.ts'
import { PORT_UNAVAILABLE_EXIT_CODE } from '../platform/lifecycle/exit-codes.ts'
import { createLifecycle, type LifecyclePhase } from '../platform/lifecycle/state.ts'
import { shutdownGracefully } from '../platform/lifecycle/shutdown.ts'
import { logDroppedConnections, trackConnections } from '../platform/http/connections.ts'
import { localBaseUrl } from '../platform/http/local-url.ts'
import { StartupRefusal } from '../platform/db/prepare.ts'
import { isDatabaseOutage } from '../platform/db/errors.ts'
import { createDegradationTracker } from '../platform/health/degraded.ts'
import { createBreakerRegistry } from '../platform/resilience/breakers.ts'
import { registerServerMetrics } from '../platform/metrics/server-metrics.ts'
import { openConfiguredRedis } from '../platform/redis/client.ts'
import { MIGRATIONS } from '../db/migrations.ts'
import { offerFirstAdminKey } from '../modules/accounts/first-key.ts'
import type { Readiness } from '../platform/health/plugin.ts'
import type { MetricSnapshot } from '../platform/metrics/fleet.ts'
import { buildApp } from '../app.ts'
import { faultRoutes } from '../platform/lifecycle/fault-routes.ts'
import { SCOPES } from '../scopes.ts'
import { openDatabaseOrFail, prepareEmbeddedOrFail, prepareInBackground } from './database.ts'
import { API_LISTENER, listenRefusal } from './listen-refusal.ts'
import { FatalError, type ProcessControls, type ShutdownRequest } from './process.ts'

export interface ServerOptions {
  logger: FastifyBaseLogger
  version: string
  /** The process it runs in: told when the server can shut down gracefully, and of failures after start. */
  controls: ProcessControls
  /**
   * Offer the first admin key once the database is prepared (default true). A primary with workers lets
   * only its first worker of the first start do it, so the banner is printed once.
   */
  offerFirstKey?: boolean
  /** Log `listening` at info (default true); a worker leaves that line to its primary. */
  announce?: boolean
  /** A worker's connection string to the embedded database its primary serves (instead of opening one). */
  servedDatabaseUrl?: string
}

export interface RunningServer {
  /** Where this machine reaches it, e.g. http://127.0.0.1:3000. */
  url: string
  /** The graceful shutdown sequence, then every resource closed newest first. */
  close(request?: ShutdownRequest): Promise<void>
  /** Responses sent since start (http_requests_total): a worker is recycled after WORKER_MAX_REQUESTS. */
  requestsServed(): Promise<number>
  /** What /health/ready answers, without a request. */
  readiness(): Promise<Readiness>
  /** This process's metrics, as the workers send them to their primary. */
  metricsSnapshot(): Promise<MetricSnapshot>
  /** This process's metrics as Prometheus text (WORKERS=1). */
  metricsText(): Promise<string>
  /** starting → ready → draining → stopped. */
  phase(): LifecyclePhase
  /** What the server opened, closed newest first after the shutdown: add what is opened after it. */
  resources: CloseRegistry
}

/** Starts the server; a failure that must end the process is thrown as a FatalError. */
export async function startServer(config: Readonly<Config>, options: ServerOptions): Promise<RunningServer> {
  const { logger, controls } = options
  const lifecycle = createLifecycle()
  const resources = createCloseRegistry({ log: logger })
  // Every worker of this instance has a pool of its own: the connection budget counts them all.
  const dbConfig = { ...config.db, poolsPerInstance: config.workers.count }
  const degradation = createDegradationTracker({ log: logger })
  // Before the database, whose requests go through the `postgres` breaker; closed after it.
  const breakers = createBreakerRegistry({ settings: config.breakers, log: logger, degradation })
  resources.add('circuit breakers', () => breakers.close())
  const database = openDatabaseOrFail(
    config.db,
    logger,
    options.servedDatabaseUrl,
    breakers.create('postgres', { isFailure: isDatabaseOutage }),
  )
  resources.add('database', () => database.close())
  // The embedded database is local: prepared before listening, and a failure here is final.
  if (database.backend === 'pglite') {
    await prepareEmbeddedOrFail(dbConfig, database, MIGRATIONS, logger)
  }
  // Redis is optional and may be down at start: it connects in the background and the server starts anyway.
  const redis = openConfiguredRedis(config.redis, { log: logger, degradation })
  if (redis !== undefined) resources.add('redis', () => redis.close())
  const app = await buildApp(config, {
    logger,
    lifecycle,
    database,
    resources,
    version: options.version,
    redis,
    degradation,
    breakers,
  })
  // Only a served process under NODE_ENV=test: the process-model tests break a real worker with them.
  if (config.env === 'test') await app.register(faultRoutes)
  const connections = trackConnections(app.server)
  registerServerMetrics(app.metrics, { connections, poolStats: () => database.poolStats() })
  logDroppedConnections(app.server, config.server.maxConnections, logger)
  // Counted by the metrics step already: read from it once a heartbeat, not with a hook of its own.
  const requestsServed = async () => {
    const counter = app.metrics.getSingleMetric('http_requests_total')
    if (counter === undefined) return 0
    const { values } = await counter.get()
    return values.reduce((sum, { value }) => sum + value, 0)
  }
  const readiness = () => app.health.readiness()
  const phase = () => lifecycle.phase
  const close = async (request?: ShutdownRequest) => {
    const timings = {
      ...config.lifecycle,
      drainDelayMs: request?.drainDelayMs ?? config.lifecycle.drainDelayMs,
    }
    await shutdownGracefully({ app, connections, lifecycle, log: logger }, timings)
    // The server is closed: no request can still use what it opened.
    await resources.closeAll()
  }
  controls.handleSignals(close)

  let address: string
  try {
    address = await app.listen({
      host: config.server.host,
      port: config.server.port,
      listenTextResolver: () => FASTIFY_LISTEN_TEXT,
    })
  } catch (error) {
    const refusal = listenRefusal(error, { ...API_LISTENER, port: config.server.port })
    if (refusal === undefined) throw error
    throw new FatalError(refusal, PORT_UNAVAILABLE_EXIT_CODE)
  }
  lifecycle.markReady()
  const bound = app.server.address()
  const port = typeof bound === 'object' && bound !== null ? bound.port : config.server.port
  const url = localBaseUrl(config.server.host, port)
  database.dataDirLock?.setUrl(url)
  // A worker's line is at debug: its primary says `listening` once for all of them.
  if (options.announce ?? true) logger.info({ address, port, env: config.env }, 'listening')
  else logger.debug({ address, port }, 'worker listening')

  // Once per start of the service, after the database is prepared. With one server per process that is
  // here; a primary with workers runs it once for all of them.
  const firstKey = () =>
    offerFirstAdminKey({
      production: config.env === 'production',
      scopes: SCOPES,
      apiKeys: app.accounts.apiKeys,
      database,
      log: logger,
      baseUrl: url,
      write: (text) => process.stderr.write(text),
    })
  const running: RunningServer = {
    url,
    close,
    requestsServed,
    readiness,
    phase,
    resources,
    metricsSnapshot: () => app.metrics.getMetricsAsJSON(),
    metricsText: () => app.metrics.metrics(),
  }
  const offerFirstKey = options.offerFirstKey ?? true
  if (database.backend === 'pglite') {
    if (offerFirstKey) await firstKey()
    return running
  }
  const preparation = prepareInBackground(dbConfig, database, MIGRATIONS, logger)
  // Stopped before the database closes (registered after it, so closed before it).
  resources.add('database preparation', () => preparation.stop())
  preparation.ready.then(offerFirstKey ? firstKey : undefined, (error: unknown) => {
    if (error instanceof StartupRefusal) return controls.fail(new FatalError(error.message, CONFIG_EXIT_CODE))
    // Aborted by the shutdown: nothing to do.
    return undefined
  })
  return running
}
