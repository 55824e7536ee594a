// The PostgreSQL database of a run: made fresh, migrated with Bulwark's own migrations and seeded before
// any server starts, so all three find the same plans table; dropped after the run.
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { MIGRATIONS } from '../src/db/migrations.ts'
import { migrateToLatest } from '../src/platform/db/migrator.ts'
import { adminQuery as runAdminQuery } from '../test/helpers/database.ts'
import { SEEDED_PLAN } from './plans.ts'

/** Server the benchmark creates its database on: the local one, trust auth on dev machines, as for tests. */
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/** One fixed name: an interrupted run leaves at most this database behind, and the next run replaces it. */
export const BENCH_DATABASE_NAME = 'bulwark_bench'

export interface BenchDatabase {
  url: string
  /** The server's version string, e.g. "15.20 (Debian 15.20-0+deb12u1)". */
  serverVersion: string
  /** Empties the plans tables and puts the seeded plan back: the state every create window starts from. */
  resetPlans(): Promise<void>
  close(): Promise<void>
}

const adminQuery = (text: string) => runAdminQuery(text, ADMIN_URL)

async function migrate(url: string): Promise<void> {
  const db = new Kysely<object>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
  })
  try {
    await migrateToLatest(db, MIGRATIONS)
  } finally {
    await db.destroy()
  }
}

const SEED_SQL = `insert into plans
  (id, owner, title, description, status, start_date, end_date, tags, version, created_at, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10, $11)`

/** Creates, migrates and seeds the database, and keeps one connection for resets between windows. */
export async function openBenchDatabase(name = BENCH_DATABASE_NAME): Promise<BenchDatabase> {
  await dropBenchDatabase(name)
  await adminQuery(`create database ${name}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  await migrate(url.toString())

  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 })
  await client.connect()
  const plan = SEEDED_PLAN
  const seed = () =>
    client.query(SEED_SQL, [
      plan.id,
      plan.owner,
      plan.title,
      plan.description,
      plan.status,
      plan.start_date,
      plan.end_date,
      plan.tags,
      plan.version,
      plan.created_at,
      plan.updated_at,
    ])
  await seed()
  const version = await client.query<{ version: string }>(
    `select current_setting('server_version') as version`,
  )
  return {
    url: url.toString(),
    serverVersion: version.rows[0]?.version ?? 'unknown',
    async resetPlans() {
      await client.query('truncate plans, idempotency_keys')
      await seed()
    },
    close: () => client.end(),
  }
}

export async function dropBenchDatabase(name = BENCH_DATABASE_NAME): Promise<void> {
  await adminQuery(`drop database if exists ${name} with (force)`)
}
