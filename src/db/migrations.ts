// Every migration, in order. Forward-only: a shipped migration is never edited, a new one is added.
import type { Migrations } from '../platform/db/migrator.ts'
import * as plans from './migrations/0001_plans.ts'
import * as idempotencyKeys from './migrations/0002_idempotency_keys.ts'

export const MIGRATIONS: Migrations = {
  '0001_plans': plans,
  '0002_idempotency_keys': idempotencyKeys,
}
