// The slow-query warning (DB_SLOW_QUERY_MS): Kysely times every statement it runs when given a `log`
// function, so this is the one place every request statement (PostgreSQL, served or embedded PGlite) passes.
import type { LogEvent } from 'kysely'
import { currentDeadlineScope } from '../context/deadline-scope.ts'

export interface SlowQueryLogger {
  warn(details: object, message: string): void
}

/**
 * Kysely's `log` option warning about statements slower than `slowQueryMs` (undefined when 0: Kysely then
 * does not time statements at all). The line has the SQL text with its $1 placeholders, never the
 * parameters, and the request_id of the request it ran for, when there is one.
 */
export function createSlowQueryLog(
  slowQueryMs: number,
  log: SlowQueryLogger,
): ((event: LogEvent) => void) | undefined {
  if (slowQueryMs <= 0) return undefined
  return (event) => {
    if (event.queryDurationMillis <= slowQueryMs) return
    const requestId = currentDeadlineScope()?.requestId
    log.warn(
      {
        sql: event.query.sql,
        duration_ms: Math.round(event.queryDurationMillis * 100) / 100,
        failed: event.level === 'error',
        ...(requestId === undefined ? {} : { request_id: requestId }),
      },
      'slow query',
    )
  }
}
