// Puts the database behind readiness: a real round trip and no pending migrations, each with a timeout,
// made past the circuit breaker (a readiness probe reports the database, the detailed health the breaker).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Database } from './database.ts'
import { readMigrationState, type Migrations } from './migrator.ts'

export interface DatabasePluginOptions {
  database: Database
  migrations: Migrations
}

async function database(app: FastifyInstance, options: DatabasePluginOptions) {
  const { database: db, migrations } = options
  app.health.addCheck({
    name: 'database',
    check: async (signal) => {
      await db.ping(signal)
      return { backend: db.backend, pool: db.poolStats() }
    },
  })
  app.health.addCheck({
    name: 'migrations',
    check: async () => {
      // Not through the circuit breaker: readiness reports the database itself.
      const state = await readMigrationState(db.probeDb, migrations)
      if (state.pending.length > 0) throw new Error(`pending: ${state.pending.join(', ')}`)
      return { applied: state.applied.length }
    },
  })
}

export const databasePlugin = fp(database, { name: 'database', dependencies: ['health'] })
