// The connection budget: every process's pool together must fit the server's max_connections.
import { sql } from 'kysely'
import type { AnyDatabase } from './database.ts'

export interface BudgetInput {
  poolMax: number
  expectedInstances: number
  /** Workers per instance, each with its own pool. */
  workers: number
  maxConnections: number
  reservedConnections: number
}

/** A problem sentence when the pools could ask for more connections than the server allows. */
export function checkConnectionBudget(input: BudgetInput): string | undefined {
  const wanted = input.poolMax * input.workers * input.expectedInstances
  const available = input.maxConnections - input.reservedConnections
  if (wanted <= available) return undefined
  return (
    `DB_POOL_MAX (${input.poolMax}) × WORKERS (${input.workers}) × EXPECTED_INSTANCES (${input.expectedInstances}) = ${wanted} connections, ` +
    `but PostgreSQL allows ${available} (max_connections ${input.maxConnections} minus ${input.reservedConnections} reserved)`
  )
}

/** Reads max_connections and the superuser reserve from the server. */
export async function readConnectionLimits(
  db: AnyDatabase,
): Promise<{ maxConnections: number; reserved: number }> {
  const { rows } = await sql<{ name: string; setting: string }>`
    select name, setting from pg_settings
    where name in ('max_connections', 'superuser_reserved_connections', 'reserved_connections')`.execute(db)
  const setting = (name: string) => Number(rows.find((row) => row.name === name)?.setting ?? 0)
  return {
    maxConnections: setting('max_connections'),
    reserved: setting('superuser_reserved_connections') + setting('reserved_connections'),
  }
}
