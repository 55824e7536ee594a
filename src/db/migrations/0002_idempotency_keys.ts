// Stored first results of requests sent with an Idempotency-Key, so a retry returns them again.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table idempotency_keys (
      owner text not null,
      scope text not null,
      key text not null,
      request_hash text not null,
      -- The first response's body (always a 201), replayed verbatim to a retry with the same key and body.
      response_body jsonb,
      created_at timestamptz not null default now(),
      primary key (owner, scope, key)
    )`.execute(db)
  await sql`create index idempotency_keys_created_idx on idempotency_keys (created_at)`.execute(db)
}
