// Indexes for listing plans across owners (admins): every existing B-tree leads with owner, so without
// an owner filter PostgreSQL scanned and sorted the whole table (16–44 ms at 100 000 plans).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index plans_created_idx on plans (created_at, id)`.execute(db)
  await sql`create index plans_start_idx on plans (start_date, id)`.execute(db)
}
