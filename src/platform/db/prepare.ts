// Prepares an opened database for use: migrations (MIGRATE_ON_START) or the pending check, then the
// connection budget. The server and the CLI commands that need the database both go through here.
import type { FastifyBaseLogger } from 'fastify'
import type { DatabaseConfig } from '../config/config.ts'
import { checkConnectionBudget, readConnectionLimits } from './budget.ts'
import { createDatabase, type Database } from './database.ts'
import { migrateDatabase, readMigrationState, type Migrations } from './migrator.ts'

/** A configured refusal to start (DB_BUDGET_POLICY=refuse): retrying cannot help, the process exits 78. */
export class StartupRefusal extends Error {
  override name = 'StartupRefusal'
}

/** Applies pending migrations (MIGRATE_ON_START) or warns of them, and checks the connection budget. */
export async function prepareDatabase(
  config: DatabaseConfig,
  database: Database,
  migrations: Migrations,
  log: FastifyBaseLogger,
): Promise<void> {
  // A worker on the primary's embedded database: the primary prepared it before forking, and its one
  // session has no max_connections to budget against (servePglite sizes its own limit).
  if (database.backend === 'pglite-served') return
  if (config.migrateOnStart) {
    const { applied } = await migrateDatabase(database, migrations)
    log.info(
      { applied, backend: database.backend },
      applied.length > 0 ? 'migrations applied' : 'migrations up to date',
    )
  } else {
    const { pending } = await readMigrationState(database.db, migrations)
    if (pending.length > 0)
      log.warn({ pending }, 'migrations pending: readiness fails until `npx bulwark migrate` runs')
  }
  if (database.backend === 'postgres') await checkBudget(config, database, log)
}

/** Opens the database and prepares it at once (the CLI commands): any failure is the caller's. */
export async function openDatabase(
  config: DatabaseConfig,
  migrations: Migrations,
  log: FastifyBaseLogger,
): Promise<Database> {
  const database = createDatabase(config, log)
  try {
    await prepareDatabase(config, database, migrations, log)
    return database
  } catch (error) {
    await database.close()
    throw error
  }
}

async function checkBudget(
  config: DatabaseConfig,
  database: Database,
  log: FastifyBaseLogger,
): Promise<void> {
  const limits = await readConnectionLimits(database.db)
  const problem = checkConnectionBudget({
    poolMax: config.poolMax,
    expectedInstances: config.expectedInstances,
    workers: config.poolsPerInstance,
    maxConnections: limits.maxConnections,
    reservedConnections: limits.reserved,
  })
  if (problem === undefined) return
  if (config.budgetPolicy === 'refuse') throw new StartupRefusal(`connection budget: ${problem}`)
  log.warn({ setting: 'DB_POOL_MAX' }, `connection budget: ${problem}`)
}
