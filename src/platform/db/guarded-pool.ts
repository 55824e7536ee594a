// Every lease of a database connection behind the database's circuit breaker (platform/resilience). A
// lease takes its connection when its first statement runs, and connecting plus that first statement is one
// call of the breaker: while it is open, a request is refused at once (503 DATABASE_UNAVAILABLE with
// Retry-After) without touching the pool, and a pooled connection that is still handed out but no longer
// answers (a black-holed network) counts as the failure it is. Each later statement of the lease is a call
// of its own; a ROLLBACK is never refused, so a transaction the breaker interrupted is still ended.
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'
import { currentDeadlineScope } from '../context/deadline-scope.ts'
import { BreakerOpenError, type Breaker } from '../resilience/breakers.ts'
import { databaseBreakerOpen } from './errors.ts'

/** ROLLBACK and ROLLBACK TO SAVEPOINT: how Kysely ends what failed. */
const ROLLBACK = /^\s*rollback\b/i

/** The pool Kysely sees: `pool` with each lease's statements going through `breaker`. */
export function createGuardedPool(pool: PostgresPool, breaker: Breaker): PostgresPool {
  return {
    connect: () => Promise.resolve(createLease(pool, breaker)),
    end: () => pool.end(),
  }
}

function createLease(pool: PostgresPool, breaker: Breaker): PostgresPoolClient {
  let client: PostgresPoolClient | undefined
  async function query<R>(text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
    const connected = client
    if (connected === undefined) {
      return guard(breaker, async () => {
        const taken = await pool.connect()
        client = taken
        return taken.query<R>(text, parameters)
      })
    }
    if (ROLLBACK.test(text)) return connected.query<R>(text, parameters)
    return guard(breaker, () => connected.query<R>(text, parameters))
  }
  return {
    query: query as PostgresPoolClient['query'],
    release: () => client?.release(),
  }
}

async function guard<T>(breaker: Breaker, work: () => Promise<T>): Promise<T> {
  // Past its deadline the request starts nothing (the pool refuses at once): not the database's failure.
  if (currentDeadlineScope()?.expired === true) return work()
  try {
    return await breaker.run(work)
  } catch (error) {
    throw error instanceof BreakerOpenError ? databaseBreakerOpen(error) : error
  }
}
