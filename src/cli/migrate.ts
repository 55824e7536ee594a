// `bulwark migrate [--status]`: apply pending migrations (a release step), or list applied and pending ones.
import type { Config } from '../platform/config/config.ts'
import { describeDatabaseFailure } from '../platform/db/connection-failure.ts'
import { createDatabase } from '../platform/db/database.ts'
import { migrateDatabase, readMigrationState } from '../platform/db/migrator.ts'
import { MIGRATIONS } from '../db/migrations.ts'
import { CommandFailure } from './commands.ts'

export async function runMigrate(
  config: Readonly<Config>,
  statusOnly: boolean,
  out: (line: string) => void,
): Promise<number> {
  const database = createDatabase(config.db, { warn: (details, message) => out(`warning: ${message}`) })
  try {
    if (!statusOnly) {
      const { applied } = await migrateDatabase(database, MIGRATIONS)
      out(applied.length === 0 ? 'nothing to apply' : `applied: ${applied.join(', ')}`)
    }
    const state = await readMigrationState(database.db, MIGRATIONS)
    for (const migration of state.applied) out(`applied  ${migration.name}  ${migration.executedAt}`)
    for (const name of state.pending) out(`pending  ${name}`)
    return 0
  } catch (error) {
    // One line a person can act on; the stack only at LOG_LEVEL=debug (see commands.ts).
    throw new CommandFailure(describeDatabaseFailure(error, config.db).message, {
      cause: error,
    })
  } finally {
    await database.close()
  }
}
