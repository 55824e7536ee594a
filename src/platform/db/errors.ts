// Driver errors the client can act on: the database is unreachable or too slow → 503 with Retry-After.
import { AppError, createErrorFactories, type ErrorCatalog } from '../errors/app-error.ts'
import { platformErrors } from '../errors/catalog.ts'
import { DeadlineExceededError } from '../context/deadline-scope.ts'
import type { BreakerOpenError } from '../resilience/breakers.ts'

export const DATABASE_ERRORS = {
  DATABASE_UNAVAILABLE: {
    status: 503,
    title: 'Database unavailable',
    description:
      'The database cannot be reached, has no free connection within DB_CONNECT_TIMEOUT_MS, or failed so often lately that its circuit breaker refuses requests for now (BREAKER_RESET_TIMEOUT_MS); retry after Retry-After seconds.',
  },
  DATABASE_TIMEOUT: {
    status: 503,
    title: 'Database timeout',
    description:
      'A database statement took longer than DB_STATEMENT_TIMEOUT_MS and was cancelled; retry later.',
  },
} as const satisfies ErrorCatalog

const databaseErrors = createErrorFactories(DATABASE_ERRORS)

/** Socket-level failures reported by the driver (node:net codes). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'EPIPE',
])
/** SQLSTATEs meaning "not now" (PostgreSQL appendix A): shutdown, starting up, out of connections. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53400'])
/** Text the database cannot store (a NUL byte, an invalid sequence): the client's input, so a 422. */
const UNSTORABLE_TEXT_STATES = new Set(['22021', '22P05'])
/** query_canceled: statement_timeout fired. */
const TIMEOUT_STATE = '57014'
/** undefined_table: the schema is not migrated yet (MIGRATE_ON_START=false, or start-up still migrating). */
const NOT_MIGRATED_STATE = '42P01'
/** pg's own messages for a pool that could not hand out a connection in time, or a dropped one. */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection timeout',
  'Client has encountered a connection error',
]

/** The AppError for a driver error that means "try again later", or undefined for anything else. */
export function translateDatabaseError(error: unknown): AppError | undefined {
  if (!(error instanceof Error) || error instanceof AppError) return undefined
  // Only a request whose deadline already answered 503 meets this; the late error is for the log.
  if (error instanceof DeadlineExceededError) {
    return platformErrors.HANDLER_TIMEOUT({ headers: { 'retry-after': '1' }, cause: error })
  }
  const { code } = error as { code?: unknown }
  const retry = { headers: { 'retry-after': '2' }, cause: error }
  if (typeof code === 'string') {
    if (code === TIMEOUT_STATE) return databaseErrors.DATABASE_TIMEOUT(retry)
    if (code === NOT_MIGRATED_STATE) {
      return databaseErrors.DATABASE_UNAVAILABLE({
        ...retry,
        detail: 'The database schema is not migrated yet',
      })
    }
    if (UNSTORABLE_TEXT_STATES.has(code)) {
      return platformErrors.VALIDATION_FAILED({
        detail: 'A text value contains a character that cannot be stored',
        cause: error,
      })
    }
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08')) {
      return databaseErrors.DATABASE_UNAVAILABLE(retry)
    }
  }
  if (error.message === 'Query read timeout') return databaseErrors.DATABASE_TIMEOUT(retry)
  if (UNAVAILABLE_MESSAGES.some((message) => error.message.includes(message))) {
    return databaseErrors.DATABASE_UNAVAILABLE(retry)
  }
  if (error instanceof AggregateError) return translateDatabaseError(error.errors[0])
  return undefined
}

/** The codes that mean the database itself is unhealthy (unreachable, out of connections, too slow). */
const OUTAGE_CODES: ReadonlySet<string> = new Set(['DATABASE_UNAVAILABLE', 'DATABASE_TIMEOUT'])

/**
 * Whether a failed statement or connection means the database is unhealthy, which its circuit breaker
 * counts: connection refused, reset or timed out, no free connection, "not now" states, statement timeouts,
 * and a request deadline that passed while waiting for it. Never what a statement itself was refused for
 * (constraint violations, bad input, a missing table before migrations): the database answered those.
 */
export function isDatabaseOutage(error: unknown): boolean {
  if (error instanceof DeadlineExceededError) return true
  if ((error as { code?: unknown } | undefined)?.code === NOT_MIGRATED_STATE) return false
  const translated = translateDatabaseError(error)
  return translated !== undefined && OUTAGE_CODES.has(translated.code)
}

/** What a request that needs the database gets at once while its circuit breaker is open. */
export function databaseBreakerOpen(error: BreakerOpenError): AppError {
  return databaseErrors.DATABASE_UNAVAILABLE({
    detail: 'The database failed repeatedly; requests that need it are refused until it recovers',
    headers: { 'retry-after': String(error.retryAfterS) },
    cause: error,
  })
}
