// Versioned, forward-only migrations; an advisory lock (Kysely's PostgresAdapter) serialises instances.
import { Migrator, type Migration } from 'kysely'
import type { AnyDatabase, Database } from './database.ts'

export type Migrations = Readonly<Record<string, Migration>>

export interface MigrationState {
  applied: { name: string; executedAt: string }[]
  pending: string[]
}

export interface MigrationRun {
  applied: string[]
}

/**
 * Applies every pending migration, each exactly once however many processes run this at the same time:
 * they queue on a session advisory lock (Kysely's PostgresAdapter), and all pending migrations run in one
 * transaction. Pass a connection without timeouts (`Database.withoutTimeouts`): a migration may take
 * longer than a request's statement, and a second instance may wait long for the lock.
 */
export async function migrateToLatest(db: AnyDatabase, migrations: Migrations): Promise<MigrationRun> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error !== undefined)
    throw error instanceof Error ? error : new Error('migration failed', { cause: error })
  return {
    applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName),
  }
}

/** migrateToLatest on a connection of `database` without timeouts: what start-up, the CLI and tests run. */
export function migrateDatabase(database: Database, migrations: Migrations): Promise<MigrationRun> {
  return database.withoutTimeouts((db) => migrateToLatest(db, migrations))
}

/** Which migrations are applied (with when) and which are pending. */
export async function readMigrationState(db: AnyDatabase, migrations: Migrations): Promise<MigrationState> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const known = await migrator.getMigrations()
  const state: MigrationState = { applied: [], pending: [] }
  for (const migration of known) {
    if (migration.executedAt === undefined) state.pending.push(migration.name)
    else state.applied.push({ name: migration.name, executedAt: migration.executedAt.toISOString() })
  }
  return state
}
