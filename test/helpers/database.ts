// createTestDatabase: a migrated database of its own for one test file, on embedded PGlite or PostgreSQL.
import { randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import pg from 'pg'
import type { DatabaseConfig } from '../../src/platform/config/config.ts'
import { createDatabase, type Database } from '../../src/platform/db/database.ts'
import { migrateDatabase } from '../../src/platform/db/migrator.ts'
import { MIGRATIONS } from '../../src/db/migrations.ts'
import { testConfig } from './build-app.ts'

export type TestBackend = 'pglite' | 'postgres'

/** Every data behaviour runs on both: the embedded default and the real server. */
export const TEST_BACKENDS: readonly TestBackend[] = ['pglite', 'postgres']

/** The PostgreSQL server the tests create their databases on (trust auth on the dev and CI machines). */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

const silent = { warn: () => undefined }

/** A fresh database (PostgreSQL: CREATE DATABASE; PGlite: in memory), migrated, dropped after the test. */
export async function createTestDatabase(
  t: Pick<TestContext, 'after'>,
  backend: TestBackend,
  overrides: Partial<DatabaseConfig> = {},
): Promise<{ database: Database; config: DatabaseConfig }> {
  const base = testConfig().db
  if (backend === 'pglite') {
    const config = { ...base, url: undefined, dataDir: 'memory://', ...overrides }
    const database = createDatabase(config, silent)
    t.after(() => database.close())
    await migrateDatabase(database, MIGRATIONS)
    return { database, config }
  }
  const name = `bulwark_test_${randomBytes(6).toString('hex')}`
  await adminQuery(`create database ${name}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const config = { ...base, url: url.toString(), ssl: 'disable' as const, ...overrides }
  const database = createDatabase(config, silent)
  t.after(async () => {
    await database.close()
    await adminQuery(`drop database if exists ${name} with (force)`)
  })
  await migrateDatabase(database, MIGRATIONS)
  return { database, config }
}

/** The URL of an empty PostgreSQL database (no migrations), dropped after the test. */
export async function emptyDatabase(t: Pick<TestContext, 'after'>): Promise<string> {
  const name = `bulwark_e2e_${randomBytes(4).toString('hex')}`
  await adminQuery(`create database ${name}`)
  t.after(() => adminQuery(`drop database if exists ${name} with (force)`))
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** Runs one statement as the admin user on its own short-lived connection (the bench uses it too). */
export async function adminQuery(text: string, adminUrl = ADMIN_URL): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

/**
 * Counts, on a connection of the test's own (closed after the test), the statements PostgreSQL is running
 * now whose text contains `text`, optionally in one database only.
 */
export async function watchStatements(
  t: Pick<TestContext, 'after'>,
  where: { text: string; database?: string },
): Promise<() => Promise<number>> {
  const observer = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 })
  await observer.connect()
  t.after(() => observer.end())
  return async () => {
    const { rows } = await observer.query<{ count: string }>(
      `select count(*) from pg_stat_activity
       where state = 'active' and pid <> pg_backend_pid() and strpos(query, $1) > 0
         and ($2::text is null or datname = $2)`,
      [where.text, where.database ?? null],
    )
    return Number(rows[0]?.count)
  }
}
