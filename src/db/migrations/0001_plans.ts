// The plans table, with an index behind every filter and sort the Plans API offers.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table plans (
      id uuid primary key,
      owner text not null,
      title text not null check (char_length(title) between 1 and 200),
      description text not null default '' check (char_length(description) <= 10000),
      status text not null check (status in ('draft', 'active', 'done', 'cancelled')),
      start_date date not null,
      end_date date,
      tags text[] not null default '{}',
      version integer not null default 1,
      -- Millisecond precision: timestamps round-trip exactly through JSON and the pagination cursor.
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      search tsvector generated always as (to_tsvector('english', title || ' ' || description)) stored,
      constraint plans_end_after_start check (end_date is null or end_date >= start_date)
    )`.execute(db)
  // Keyset pagination: (sort key, id) per owner, scanned in either direction.
  await sql`create index plans_owner_created_idx on plans (owner, created_at, id)`.execute(db)
  await sql`create index plans_owner_start_idx on plans (owner, start_date, id)`.execute(db)
  await sql`create index plans_owner_status_created_idx on plans (owner, status, created_at, id)`.execute(db)
  await sql`create index plans_tags_idx on plans using gin (tags)`.execute(db)
  await sql`create index plans_search_idx on plans using gin (search)`.execute(db)
}
