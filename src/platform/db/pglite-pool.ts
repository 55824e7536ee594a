// Embedded PGlite behind the small part of pg.Pool's interface that Kysely's PostgresDialect uses.
// PGlite is one connection: a client is lent to one caller at a time, so transactions never interleave.
import { PGlite } from '@electric-sql/pglite'

interface PgLikeResult {
  command: string
  rowCount: number
  rows: unknown[]
}

export interface PgliteClient {
  query(sql: string, parameters?: readonly unknown[]): Promise<PgLikeResult>
  release(): void
}

/** DATE (oid 1082) stays a 'YYYY-MM-DD' string, as with the pg driver's parser set in database.ts. */
const DATE_OID = 1082

export class PglitePool {
  readonly #pglite: PGlite
  #queue: Promise<void> = Promise.resolve()
  #waiting = 0
  #busy = false

  constructor(dataDir: string) {
    this.#pglite = new PGlite(dataDir, { parsers: { [DATE_OID]: (value: string) => value } })
  }

  get waitingCount(): number {
    return this.#waiting
  }

  get idleCount(): number {
    return this.#busy ? 0 : 1
  }

  /** Resolves with the only client once the previous borrower has released it. */
  async connect(): Promise<PgliteClient> {
    this.#waiting += 1
    let release!: () => void
    const previous = this.#queue
    this.#queue = new Promise<void>((resolve) => (release = resolve))
    await previous
    this.#waiting -= 1
    this.#busy = true
    let released = false
    return {
      query: async (sql, parameters = []) => {
        const result = await this.#pglite.query(sql, [...parameters])
        return {
          // Kysely reads the command to report affected rows for INSERT/UPDATE/DELETE/MERGE.
          command: sql.trimStart().split(/\s/, 1)[0]?.toUpperCase() ?? '',
          rowCount: result.affectedRows ?? result.rows.length,
          rows: result.rows,
        }
      },
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
