// The one way to write several rows together: any error rolls everything back.
import type { Kysely, Transaction } from 'kysely'

/** Runs `work` in a transaction; it commits when `work` resolves and rolls back when it throws. */
export function withTransaction<DB, T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(work)
}
