// Prepares the database of a process: migrations (MIGRATE_ON_START) or the pending check, then the
// connection budget. A server prepares embedded PGlite before it listens, and PostgreSQL in the background,
// retried with backoff while it cannot be reached: the process stays alive (liveness 200) and not ready
// (readiness 503) instead of crash-looping under an orchestrator.
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { Config, DatabaseConfig } from '../platform/config/config.ts'
import { checkConnectionBudget, readConnectionLimits } from '../platform/db/budget.ts'
import { createDatabase, type Database } from '../platform/db/database.ts'
import { migrateDatabase, readMigrationState } from '../platform/db/migrator.ts'
import { MIGRATIONS } from '../db/migrations.ts'

export class StartupRefusal extends Error {
  override name = 'StartupRefusal'
}

/** First and longest wait between two attempts to reach the database at start-up. */
const RETRY_FIRST_MS = 500
const RETRY_MAX_MS = 30_000

/** Applies pending migrations (MIGRATE_ON_START) or warns of them, and checks the connection budget. */
export async function prepareDatabase(
  config: Readonly<Config>,
  database: Database,
  log: FastifyBaseLogger,
): Promise<void> {
  if (config.db.migrateOnStart) {
    const { applied } = await migrateDatabase(database, MIGRATIONS)
    log.info(
      { applied, backend: database.backend },
      applied.length > 0 ? 'migrations applied' : 'migrations up to date',
    )
  } else {
    const { pending } = await readMigrationState(database.db, MIGRATIONS)
    if (pending.length > 0)
      log.warn({ pending }, 'migrations pending: readiness fails until `npx bulwark migrate` runs')
  }
  if (database.backend === 'postgres') await checkBudget(config, database, log)
}

/** Opens the database and prepares it at once (the CLI commands): any failure is the caller's. */
export async function openDatabase(config: Readonly<Config>, log: FastifyBaseLogger): Promise<Database> {
  const database = createDatabase(config.db, log)
  try {
    await prepareDatabase(config, database, log)
    return database
  } catch (error) {
    await database.close()
    throw error
  }
}

export interface BackgroundPreparation {
  /** Resolves once prepared; never rejects on an outage (it retries), rejects on a StartupRefusal. */
  ready: Promise<void>
  /** Stops retrying (shutdown). */
  stop(): void
}

/**
 * prepareDatabase until it succeeds: each new cause is logged once with the address and what to do, the
 * same cause again only at debug level; waits double from 0.5 s to 30 s between attempts.
 */
export function prepareInBackground(
  config: Readonly<Config>,
  database: Database,
  log: FastifyBaseLogger,
): BackgroundPreparation {
  const stopper = new AbortController()
  const ready = (async () => {
    let lastReason: string | undefined
    let waitMs = RETRY_FIRST_MS
    for (let attempt = 1; ; attempt += 1) {
      try {
        await prepareDatabase(config, database, log)
        if (attempt > 1) log.info({ attempts: attempt }, 'database reachable: ready')
        return
      } catch (error) {
        if (error instanceof StartupRefusal) throw error
        const problem = describeDatabaseFailure(error, config.db)
        const fields = { ...problem.where, reason: problem.reason, retry_in_ms: waitMs }
        if (problem.reason === lastReason) log.debug({ ...fields, error }, problem.message)
        else log.warn(fields, `${problem.message}; not ready, retrying`)
        lastReason = problem.reason
      }
      await sleep(waitMs, undefined, { signal: stopper.signal })
      waitMs = Math.min(waitMs * 2, RETRY_MAX_MS)
    }
  })()
  return { ready, stop: () => stopper.abort() }
}

export interface DatabaseProblem {
  /** A stable word for the kind of failure (log field `reason`). */
  reason: string
  /** One line a person can act on. */
  message: string
  where: { host: string; port: number; database: string } | { data_dir: string }
}

/** Turns a connection or start-up error into one actionable line, naming host and port, never secrets. */
export function describeDatabaseFailure(error: unknown, config: DatabaseConfig): DatabaseProblem {
  const { code, message } = error as { code?: unknown; message?: unknown }
  const text = typeof message === 'string' ? message : String(error)
  if (config.url === undefined) {
    return {
      reason: 'embedded',
      message: `embedded database failed: ${text}`,
      where: { data_dir: config.dataDir },
    }
  }
  const url = new URL(config.url)
  const where = {
    host: url.hostname,
    port: url.port === '' ? 5432 : Number(url.port),
    database: decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username),
  }
  const at = `${where.host}:${where.port}`
  const known: Record<string, [string, string]> = {
    ECONNREFUSED: ['refused', `nothing accepts connections at ${at}: is PostgreSQL running there?`],
    ENOTFOUND: ['unknown_host', `host ${where.host} is unknown: check DATABASE_URL`],
    EAI_AGAIN: [
      'unknown_host',
      `host ${where.host} cannot be resolved right now: check DNS and DATABASE_URL`,
    ],
    EHOSTUNREACH: ['unreachable', `${at} is unreachable: check the network and DATABASE_URL`],
    '3D000': [
      'unknown_database',
      `database "${where.database}" does not exist at ${at}: create it (createdb ${where.database}) or fix DATABASE_URL`,
    ],
    '28P01': [
      'auth_failed',
      `PostgreSQL at ${at} rejected the password of role "${decodeURIComponent(url.username)}"`,
    ],
    '28000': [
      'auth_failed',
      `PostgreSQL at ${at} rejected role "${decodeURIComponent(url.username)}": check the role and pg_hba.conf`,
    ],
    '57P03': ['starting', `PostgreSQL at ${at} is starting up`],
    '53300': ['too_many_connections', `PostgreSQL at ${at} has no free connection slot`],
  }
  const entry = typeof code === 'string' ? known[code] : undefined
  if (entry !== undefined) return { reason: entry[0], message: entry[1], where }
  if (/timeout/i.test(text)) {
    return { reason: 'timeout', message: `no answer from ${at} within DB_CONNECT_TIMEOUT_MS`, where }
  }
  return { reason: 'failed', message: `database at ${at} failed: ${text}`, where }
}

async function checkBudget(
  config: Readonly<Config>,
  database: Database,
  log: FastifyBaseLogger,
): Promise<void> {
  const limits = await readConnectionLimits(database.db)
  const problem = checkConnectionBudget({
    poolMax: config.db.poolMax,
    expectedInstances: config.db.expectedInstances,
    maxConnections: limits.maxConnections,
    reservedConnections: limits.reserved,
  })
  if (problem === undefined) return
  if (config.db.budgetPolicy === 'refuse') throw new StartupRefusal(`connection budget: ${problem}`)
  log.warn({ setting: 'DB_POOL_MAX' }, `connection budget: ${problem}`)
}
