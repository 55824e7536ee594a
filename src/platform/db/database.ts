// Kysely over pg.Pool (DATABASE_URL set) or over embedded PGlite (unset): same SQL, same migrations. A
// fleet's workers reach the primary's PGlite through pg too, on the socket pglite-server.ts serves.
import { mkdirSync, readFileSync } from 'node:fs'
import { Kysely, PostgresDialect, sql, type KyselyConfig, type PostgresPool } from 'kysely'
import pg from 'pg'
import type { DatabaseConfig } from '../config/config.ts'
import type { Breaker } from '../resilience/breakers.ts'
import { createCancellablePool } from './cancellable-pool.ts'
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts'
import { createGuardedPool } from './guarded-pool.ts'
import { PglitePool } from './pglite-pool.ts'
import { createSlowQueryLog } from './slow-queries.ts'

/** 'pglite-served': the primary's embedded database, reached from a worker over its private socket. */
export type DatabaseBackend = 'postgres' | 'pglite' | 'pglite-served'

/** Tables are declared by the modules that own them: `database.db.withTables<PlansTables>()`. */
export type AnyDatabase = Kysely<object>

export interface PoolStats {
  total: number
  idle: number
  waiting: number
  max: number
}

export interface Database {
  /** Every request's way in; behind the circuit breaker when the database was opened with one. */
  db: AnyDatabase
  /**
   * The same pool without the circuit breaker, for readiness checks: they report the database itself, not
   * the breaker's view of it (the breaker's state is in the detailed health).
   */
  probeDb: AnyDatabase
  backend: DatabaseBackend
  poolStats(): PoolStats
  /** One real round trip; rejects on failure or when the signal aborts, releasing the connection. */
  ping(signal: AbortSignal): Promise<void>
  /**
   * Runs `work` on a connection without statement or read timeouts: for migrations, which may rightly
   * take longer than any request (an index over a large table) or wait long on the migration lock.
   */
  withoutTimeouts<T>(work: (db: AnyDatabase) => Promise<T>): Promise<T>
  /** The embedded database's DATA_DIR lock (undefined for PostgreSQL and in-memory PGlite). */
  dataDirLock: DataDirLock | undefined
  /** The embedded database's one session, which servePglite lends to workers (undefined over pg). */
  pglite: PglitePool | undefined
  close(): Promise<void>
}

export interface DatabaseLogger {
  warn(details: object, message: string): void
}

const DATE_OID = 1082

/**
 * Opens the pool (no connection is made until the first query). Embedded PGlite first takes DATA_DIR's
 * lock: a second process on the same directory gets DataDirLockedError. With a `breaker`, every statement
 * made through `db` goes through it (guarded-pool.ts).
 */
export function createDatabase(config: DatabaseConfig, log: DatabaseLogger, breaker?: Breaker): Database {
  return config.url === undefined
    ? createPgliteDatabase(config, log, breaker)
    : createPgDatabase(config, config.url, log, 'postgres', breaker)
}

/**
 * Opens a worker's pool on the primary's embedded database served by servePglite (`url` is what it
 * returned). The same pg path as PostgreSQL, without what that server cannot honour: no TLS (a private
 * Unix socket) and no session settings at start-up (one session is shared by every connection), so the
 * client-side query_timeout is the statement bound. Workers never migrate: the primary prepared it.
 */
export function createServedPgliteDatabase(
  config: DatabaseConfig,
  url: string,
  log: DatabaseLogger,
  breaker?: Breaker,
): Database {
  return createPgDatabase(config, url, log, 'pglite-served', breaker)
}

/** Connection settings shared by the request pool and the migration connection. */
function connectionOptions(config: DatabaseConfig, url: string, backend: DatabaseBackend): pg.PoolConfig {
  if (backend === 'pglite-served') {
    return {
      connectionString: url,
      connectionTimeoutMillis: config.connectTimeoutMs,
      types: createTypeParsers(),
    }
  }
  return {
    connectionString: url,
    // The acquire timeout: waiting for a free or a new connection never outlasts it.
    connectionTimeoutMillis: config.connectTimeoutMs,
    application_name: 'bulwark',
    // TCP keep-alive probes after 10 s of silence, not the kernel's 2 h: a PostgreSQL host that vanished
    // (no RST) is noticed on connections that wait on it, which statement_timeout cannot end.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ssl:
      config.ssl === 'verify-full'
        ? {
            rejectUnauthorized: true,
            ...(config.sslCaFile === undefined ? {} : { ca: readFileSync(config.sslCaFile, 'utf8') }),
          }
        : false,
    types: createTypeParsers(),
  }
}

/** Session settings sent at start-up: PostgreSQL only (the served PGlite refuses them, see above). */
function sessionTimeouts(config: DatabaseConfig, backend: DatabaseBackend): pg.PoolConfig {
  if (backend !== 'postgres') return {}
  return {
    statement_timeout: config.statementTimeoutMs,
    idle_in_transaction_session_timeout: config.statementTimeoutMs * 2,
  }
}

function createPgDatabase(
  config: DatabaseConfig,
  url: string,
  log: DatabaseLogger,
  backend: 'postgres' | 'pglite-served',
  breaker: Breaker | undefined,
): Database {
  const pool = new pg.Pool({
    ...connectionOptions(config, url, backend),
    max: config.poolMax,
    min: config.poolMin,
    idleTimeoutMillis: config.idleTimeoutMs,
    maxLifetimeSeconds: config.maxLifetimeS,
    ...sessionTimeouts(config, backend),
    // The server cancels at statement_timeout; the client stops waiting a second later in case it cannot.
    query_timeout: config.statementTimeoutMs + 1000,
  })
  // pg attaches the whole client to its errors: log their code and message only.
  const logConnectionError = (error: Error & { code?: string }, message: string) =>
    log.warn({ error: { code: error.code, message: error.message } }, message)
  // An idle client losing its connection emits here; unhandled, it would crash the process.
  pool.on('error', (error: Error & { code?: string }) =>
    logConnectionError(error, 'idle database connection failed'),
  )
  const cancellable = createCancellablePool(pool, {
    cancelTimeoutMs: config.connectTimeoutMs,
    onConnectionError: logConnectionError,
  })
  const { db, probeDb } = createKyselys(cancellable, breaker, createSlowQueryLog(config.slowQueryMs, log))
  return {
    db,
    probeDb,
    backend,
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: config.poolMax,
    }),
    async ping(signal) {
      const client = await pool.connect()
      let failed = false
      try {
        await raceAbort(client.query('select 1'), signal)
      } catch (error) {
        failed = true
        throw error
      } finally {
        // A connection whose query was abandoned may still be busy: destroy it rather than reuse it.
        client.release(failed)
      }
    },
    async withoutTimeouts(work) {
      // A pool of one, without statement or client read timeouts, closed when the work is done.
      const migrationPool = new pg.Pool({ ...connectionOptions(config, url, backend), max: 1 })
      migrationPool.on('error', (error: Error & { code?: string }) =>
        log.warn({ error: { code: error.code, message: error.message } }, 'migration connection failed'),
      )
      const unbounded = new Kysely<object>({ dialect: new PostgresDialect({ pool: migrationPool }) })
      try {
        return await work(unbounded)
      } finally {
        await unbounded.destroy()
      }
    },
    dataDirLock: undefined,
    pglite: undefined,
    close: () => db.destroy(),
  }
}

/** Calendar dates stay 'YYYY-MM-DD' strings; pg's default parser makes local-midnight Dates of them. */
function createTypeParsers(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides()
  types.setTypeParser(DATE_OID, (value: string) => value)
  return types
}

/**
 * `db` over the pool behind the breaker (when given), `probeDb` over the pool itself; `slowQueryLog` times
 * `db`'s statements (the probes' `select 1` are not worth a warning).
 */
function createKyselys(
  pool: PostgresPool,
  breaker: Breaker | undefined,
  slowQueryLog: KyselyConfig['log'],
): { db: AnyDatabase; probeDb: AnyDatabase } {
  const probeDb = new Kysely<object>({ dialect: new PostgresDialect({ pool }) })
  const logged = slowQueryLog === undefined ? {} : { log: slowQueryLog }
  if (breaker === undefined)
    return { db: new Kysely<object>({ dialect: new PostgresDialect({ pool }), ...logged }), probeDb }
  // Destroying `db` ends the pool; `probeDb` holds nothing else.
  return {
    db: new Kysely<object>({
      dialect: new PostgresDialect({ pool: createGuardedPool(pool, breaker) }),
      ...logged,
    }),
    probeDb,
  }
}

function createPgliteDatabase(
  config: DatabaseConfig,
  log: DatabaseLogger,
  breaker: Breaker | undefined,
): Database {
  const inMemory = config.dataDir.startsWith('memory://')
  if (!inMemory) mkdirSync(config.dataDir, { recursive: true })
  const lock = inMemory ? undefined : lockDataDir(config.dataDir)
  let pool: PglitePool
  try {
    pool = new PglitePool(config.dataDir, config.connectTimeoutMs)
  } catch (error) {
    lock?.release()
    throw error
  }
  const { db, probeDb } = createKyselys(
    pool as unknown as PostgresPool,
    breaker,
    createSlowQueryLog(config.slowQueryMs, log),
  )
  return {
    db,
    probeDb,
    backend: 'pglite',
    poolStats: () => ({ total: 1, idle: pool.idleCount, waiting: pool.waitingCount, max: 1 }),
    async ping(signal) {
      await raceAbort(sql`select 1`.execute(probeDb), signal)
    },
    withoutTimeouts: (work) => work(probeDb),
    dataDirLock: lock,
    pglite: pool,
    async close() {
      try {
        await db.destroy()
      } finally {
        lock?.release()
      }
    },
  }
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_resolve, reject) => {
      if (signal.aborted) reject(signal.reason as Error)
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
    }),
  ])
}
