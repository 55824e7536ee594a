// Embedded PGlite behind the small part of pg.Pool's interface that Kysely's PostgresDialect uses.
// PGlite is one connection: a client is lent to one caller at a time, so transactions never interleave.
// A statement running on it cannot be interrupted (PGlite ignores statement_timeout), so a request past
// its deadline is stopped between statements instead: it gets no connection and starts no statement.
import { PGlite } from '@electric-sql/pglite'
import { currentDeadlineScope, DeadlineExceededError } from '../context/deadline-scope.ts'

interface PgLikeResult {
  command: string
  rowCount: number
  rows: unknown[]
}

export interface PgliteClient {
  query(sql: string, parameters?: readonly unknown[]): Promise<PgLikeResult>
  /**
   * Runs frontend messages of the PostgreSQL wire protocol on the session and returns the backend's raw
   * answer (how servePglite lends the session to other processes).
   */
  execProtocolRaw(message: Uint8Array): Promise<Uint8Array>
  /** Whether the session is inside a transaction block (also a failed one). */
  isInTransaction(): boolean
  release(): void
}

/** DATE (oid 1082) stays a 'YYYY-MM-DD' string, as with the pg driver's parser set in database.ts. */
const DATE_OID = 1082

/** Still allowed past the deadline: the statement that ends the transaction the request leaves open. */
const TRANSACTION_ROLLBACK = /^\s*rollback\b/i

/** The request's deadline, when the caller runs for one, has passed. */
function isPastDeadline(): boolean {
  return currentDeadlineScope()?.expired === true
}

export class PglitePool {
  readonly #pglite: PGlite
  #queue: Promise<void> = Promise.resolve()
  #waiting = 0
  #busy = false

  readonly #acquireTimeoutMs: number

  /** acquireTimeoutMs bounds the wait for the connection, as pg.Pool's connectionTimeoutMillis does. */
  constructor(dataDir: string, acquireTimeoutMs: number) {
    this.#pglite = new PGlite(dataDir, { parsers: { [DATE_OID]: (value: string) => value } })
    this.#acquireTimeoutMs = acquireTimeoutMs
  }

  get waitingCount(): number {
    return this.#waiting
  }

  get idleCount(): number {
    return this.#busy ? 0 : 1
  }

  /**
   * Resolves with the only client once the previous borrower has released it, or rejects after the
   * acquire timeout with pg.Pool's message (so it is translated to 503 DATABASE_UNAVAILABLE alike).
   */
  async connect(): Promise<PgliteClient> {
    if (isPastDeadline()) throw new DeadlineExceededError()
    this.#waiting += 1
    let release!: () => void
    const previous = this.#queue
    this.#queue = new Promise<void>((resolve) => (release = resolve))
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, this.#acquireTimeoutMs, 'timeout')
    })
    const outcome = await Promise.race([previous, timedOut])
    clearTimeout(timer)
    this.#waiting -= 1
    if (outcome === 'timeout') {
      // Our place in the queue passes straight to the next caller when it comes.
      void previous.then(release)
      throw new Error('timeout exceeded when trying to connect')
    }
    // The wait may have outlasted the deadline: the next caller gets the turn at once.
    if (isPastDeadline()) {
      release()
      throw new DeadlineExceededError()
    }
    this.#busy = true
    let released = false
    return {
      query: async (sql, parameters = []) => {
        // A COMMIT is refused too: Kysely then rolls the request's transaction back.
        if (isPastDeadline() && !TRANSACTION_ROLLBACK.test(sql)) throw new DeadlineExceededError()
        const result = await this.#pglite.query(sql, [...parameters])
        return {
          // Kysely reads the command to report affected rows for INSERT/UPDATE/DELETE/MERGE.
          command: sql.trimStart().split(/\s/, 1)[0]?.toUpperCase() ?? '',
          rowCount: result.affectedRows ?? result.rows.length,
          rows: result.rows,
        }
      },
      execProtocolRaw: async (message) => {
        // query() waits for the database to open by itself; the raw protocol does not.
        await this.#pglite.waitReady
        return this.#pglite.execProtocolRaw(message)
      },
      isInTransaction: () => this.#pglite.isInTransaction(),
      release: () => {
        if (released) return
        released = true
        this.#busy = false
        release()
      },
    }
  }

  async end(): Promise<void> {
    await this.#queue
    await this.#pglite.close()
  }
}
