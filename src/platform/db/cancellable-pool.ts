// pg.Pool behind the part of its interface Kysely uses, adding three things pg leaves to its caller:
// - a checked-out client that loses its connection must not crash the process (pg emits 'error' on it,
//   and pg-pool listens only while the client is idle);
// - a client whose query failed below SQL (connection lost, client read timeout, abandoned) is destroyed
//   on release instead of going back to the pool with a query still pending on it;
// - a query still running when its request's deadline passes is cancelled on the server (a PostgreSQL
//   CancelRequest), not left to run to statement_timeout, and no query starts after the deadline;
// - so is a query the client stopped waiting for (pg's query_timeout): pg only abandons it, and the
//   backend would run it on to the end even after its connection is destroyed.
import { connect as connectTcp, type Socket } from 'node:net'
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'
import type pg from 'pg'
import { currentDeadlineScope, DeadlineExceededError } from '../context/deadline-scope.ts'

/** The CancelRequest code of the PostgreSQL frontend/backend protocol (§55.2.8). */
const CANCEL_REQUEST_CODE = 80877102

export interface CancellablePoolOptions {
  /** Bounds the separate connection a cancel request is sent on. */
  cancelTimeoutMs: number
  /** A connection failed while checked out, or a cancel could not be sent. */
  onConnectionError(error: Error & { code?: string }, what: string): void
}

/** The parts of pg.Client this file uses; processID and secretKey are set by the server at start-up. */
type BackendClient = pg.PoolClient & { processID?: number | null; secretKey?: number | null }

export function createCancellablePool(pool: pg.Pool, options: CancellablePoolOptions): PostgresPool {
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onConnectionError(error, 'database connection lost'))
  })
  return {
    async connect() {
      const scope = currentDeadlineScope()
      const isExpired = () => scope?.expired === true
      if (isExpired()) throw new DeadlineExceededError()
      const client = (await pool.connect()) as BackendClient
      // The wait for a connection may have outlasted the deadline.
      if (isExpired()) {
        client.release()
        throw new DeadlineExceededError()
      }
      return wrapClient(client, options)
    },
    end: () => pool.end(),
  }
}

function wrapClient(client: BackendClient, options: CancellablePoolOptions): PostgresPoolClient {
  let broken = false
  function query<R>(text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
    const scope = currentDeadlineScope()
    if (scope?.expired === true) return Promise.reject(new DeadlineExceededError())
    // Kysely hands over a fresh array per query: no copy needed for pg's mutable parameter type.
    const running = settle(
      client.query(text, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<R>>,
      (error) => {
        broken = true
        if (isReadTimeout(error)) cancelOnServer(client, options)
      },
    )
    if (scope === undefined) return running
    // One promise per query: the query's outcome, or the deadline's (an abandoned query still settles
    // later, cancelled or with its connection gone; settle() has marked the client by then).
    return new Promise((resolve, reject) => {
      const unsubscribe = scope.onExpire(() => {
        broken = true
        cancelOnServer(client, options)
        reject(new DeadlineExceededError())
      })
      void running.then(resolve, reject).finally(unsubscribe)
    })
  }
  return {
    query: query as PostgresPoolClient['query'],
    // A broken client is destroyed by pg-pool (release with an error) rather than reused.
    release: () => client.release(broken ? new Error('discarded after a failed query') : undefined),
  }
}

/** Passes the query's outcome on, calling `onBroken` when it failed below SQL (no SQLSTATE). */
async function settle<T>(running: Promise<T>, onBroken: (error: unknown) => void): Promise<T> {
  try {
    return await running
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code !== 'string' || code.startsWith('08') || code.startsWith('57P')) onBroken(error)
    throw error
  }
}

/** pg's query_timeout fired: the client gave up on a query the server may still be running. */
function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout'
}

/**
 * Sends a CancelRequest for the client's current query on a new connection (the protocol's way: the
 * busy connection cannot carry it). Fire and forget, bounded by cancelTimeoutMs; a server that cannot be
 * reached cannot be running the query to completion for long either (statement_timeout still applies).
 */
function cancelOnServer(client: BackendClient, options: CancellablePoolOptions): void {
  const { processID, secretKey } = client
  if (typeof processID !== 'number' || typeof secretKey !== 'number') return
  const { host, port } = client as unknown as { host: string; port: number }
  const message = Buffer.alloc(16)
  message.writeInt32BE(16, 0)
  message.writeInt32BE(CANCEL_REQUEST_CODE, 4)
  message.writeInt32BE(processID, 8)
  message.writeInt32BE(secretKey, 12)
  const socket: Socket = host.startsWith('/')
    ? connectTcp(`${host}/.s.PGSQL.${port}`)
    : connectTcp({ host, port })
  socket.setTimeout(options.cancelTimeoutMs, () => socket.destroy(new Error('cancel request timed out')))
  socket.once('connect', () => socket.end(message))
  socket.once('error', (error) => options.onConnectionError(error, 'could not cancel a query'))
  // The server closes the connection without answering once it has read the request.
  socket.resume()
}
