// The embedded database of a server with workers: the primary opens PGlite (taking DATA_DIR's lock),
// prepares it (migrations) before any worker starts, and serves it on a private Unix socket; each worker
// reaches it through the same pg pool as PostgreSQL. Two processes never open one DATA_DIR.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../platform/config/config.ts'
import { planServedConnections, servePglite } from '../platform/db/pglite-server.ts'
import type { CloseRegistry } from '../platform/lifecycle/close-registry.ts'
import { MIGRATIONS } from '../db/migrations.ts'
import { openDatabaseOrFail, prepareEmbeddedOrFail } from './database.ts'
import { WORKER_ENV } from './fleet-messages.ts'

/**
 * Room for twice WORKERS (SIGTTIN, and a replacement that starts while the worker it replaces drains)
 * before the served database refuses a connection.
 */
const SCALING_HEADROOM = 2

export interface EmbeddedForWorkers {
  /** Environment for every worker: where the served database is. */
  workerEnv: Record<string, string>
  /** Most workers the served database's connection limit is sized for (SIGTTIN stops there). */
  maxWorkers: number
  /** Records where the server answers in DATA_DIR's lock, for the CLI's "ask the running server" hint. */
  setUrl(url: string): void
}

/** Opens, prepares and serves the embedded database; each step's close is added to `resources`. */
export async function openEmbeddedForWorkers(
  config: Readonly<Config>,
  log: FastifyBaseLogger,
  resources: CloseRegistry,
): Promise<EmbeddedForWorkers> {
  const database = openDatabaseOrFail(config.db, log)
  resources.add('database', () => database.close())
  await prepareEmbeddedOrFail(config.db, database, MIGRATIONS, log)
  const maxWorkers = config.workers.count * SCALING_HEADROOM
  const plan = planServedConnections({
    workers: maxWorkers,
    poolMax: config.db.poolMax,
  })
  const served = await servePglite(database, {
    dataDir: config.db.dataDir,
    maxConnections: plan.maxConnections,
    transactionIdleTimeoutMs: config.db.statementTimeoutMs * 2,
    log,
  })
  // Closed before the database (registered after it): the workers have exited by then.
  resources.add('served database', () => served.close())
  return {
    workerEnv: { [WORKER_ENV.servedDatabase]: served.url },
    maxWorkers,
    setUrl: (url) => database.dataDirLock?.setUrl(url),
  }
}
