// Opens the database for a server process: migrations when configured, then the connection budget check.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../platform/config/config.ts'
import { checkConnectionBudget, readConnectionLimits } from '../platform/db/budget.ts'
import { createDatabase, type Database } from '../platform/db/database.ts'
import { migrateDatabase, readMigrationState } from '../platform/db/migrator.ts'
import { MIGRATIONS } from '../db/migrations.ts'

export class StartupRefusal extends Error {
  override name = 'StartupRefusal'
}

/** Opens the pool, applies pending migrations (MIGRATE_ON_START) and checks the connection budget. */
export async function openDatabase(config: Readonly<Config>, log: FastifyBaseLogger): Promise<Database> {
  const database = createDatabase(config.db, log)
  try {
    if (config.db.migrateOnStart) {
      const { applied } = await migrateDatabase(database, MIGRATIONS)
      log.info(
        { applied, backend: database.backend },
        applied.length > 0 ? 'migrations applied' : 'migrations up to date',
      )
    } else {
      const { pending } = await readMigrationState(database.db, MIGRATIONS)
      if (pending.length > 0)
        log.warn({ pending }, 'migrations pending: readiness fails until `bulwark migrate` runs')
    }
    if (database.backend === 'postgres') await checkBudget(config, database, log)
    return database
  } catch (error) {
    await database.close()
    throw error
  }
}

async function checkBudget(
  config: Readonly<Config>,
  database: Database,
  log: FastifyBaseLogger,
): Promise<void> {
  const limits = await readConnectionLimits(database.db)
  const problem = checkConnectionBudget({
    poolMax: config.db.poolMax,
    expectedInstances: config.db.expectedInstances,
    maxConnections: limits.maxConnections,
    reservedConnections: limits.reserved,
  })
  if (problem === undefined) return
  if (config.db.budgetPolicy === 'refuse') throw new StartupRefusal(`connection budget: ${problem}`)
  log.warn({ setting: 'DB_POOL_MAX' }, `connection budget: ${problem}`)
}
