// Driver errors the client can act on: the database is unreachable or too slow → 503 with Retry-After.
import { AppError, createErrorFactories, type ErrorCatalog } from '../errors/app-error.ts'
import { platformErrors } from '../errors/catalog.ts'
import { DeadlineExceededError } from '../context/deadline-scope.ts'

export const DATABASE_ERRORS = {
  DATABASE_UNAVAILABLE: {
    status: 503,
    title: 'Database unavailable',
    description:
      'The database cannot be reached or has no free connection within DB_CONNECT_TIMEOUT_MS; retry later.',
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
