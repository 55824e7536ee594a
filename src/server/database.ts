// Opening and preparing the database for a server. A server prepares embedded PGlite before it listens, and PostgreSQL in the background, retried with
// backoff while it cannot be reached: the process stays alive (liveness 200) and not ready (readiness 503)
// instead of crash-looping under an orchestrator.
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { DatabaseConfig } from '../platform/config/config.ts'
import { describeDatabaseFailure } from '../platform/db/connection-failure.ts'
import type { Database } from '../platform/db/database.ts'
import type { Migrations } from '../platform/db/migrator.ts'
import { prepareDatabase, StartupRefusal } from '../platform/db/prepare.ts'
import { createDatabase, createServedPgliteDatabase } from '../platform/db/database.ts'
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts'
import { CONFIG_EXIT_CODE } from '../platform/config/loader.ts'
import { DATA_DIR_LOCKED_EXIT_CODE } from '../platform/lifecycle/exit-codes.ts'
import type { Breaker } from '../platform/resilience/breakers.ts'
import { FatalError } from './process.ts'

/**
 * Opens the database (or, for a worker, the one its primary serves at `servedUrl`), its requests behind
 * `breaker` when given; another process holding the embedded one's DATA_DIR exits 75, any other failure 1.
 */
export function openDatabaseOrFail(
  config: DatabaseConfig,
  log: FastifyBaseLogger,
  servedUrl?: string,
  breaker?: Breaker,
): Database {
  try {
    if (servedUrl !== undefined) return createServedPgliteDatabase(config, servedUrl, log, breaker)
    return createDatabase(config, log, breaker)
  } catch (error) {
    if (error instanceof DataDirLockedError) throw new FatalError(error.message, DATA_DIR_LOCKED_EXIT_CODE)
    throw new FatalError('cannot open the database', 1, { cause: error })
  }
}

/** Prepares the embedded database before anything listens: a refusal exits 78, any other failure 1. */
export async function prepareEmbeddedOrFail(
  config: DatabaseConfig,
  database: Database,
  migrations: Migrations,
  log: FastifyBaseLogger,
): Promise<void> {
  await prepareDatabase(config, database, migrations, log).catch((error: unknown) => {
    throw error instanceof StartupRefusal
      ? new FatalError(error.message, CONFIG_EXIT_CODE)
      : new FatalError('cannot prepare the embedded database', 1, { cause: error })
  })
}

/** First and longest wait between two attempts to reach the database at start-up. */
const RETRY_FIRST_MS = 500
const RETRY_MAX_MS = 30_000

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
  config: DatabaseConfig,
  database: Database,
  migrations: Migrations,
  log: FastifyBaseLogger,
): BackgroundPreparation {
  const stopper = new AbortController()
  const ready = (async () => {
    let lastReason: string | undefined
    let waitMs = RETRY_FIRST_MS
    for (let attempt = 1; ; attempt += 1) {
      try {
        await prepareDatabase(config, database, migrations, log)
        if (attempt > 1) log.info({ attempts: attempt }, 'database reachable: ready')
        return
      } catch (error) {
        if (error instanceof StartupRefusal) throw error
        const problem = describeDatabaseFailure(error, config)
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
