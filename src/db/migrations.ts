// Every migration, in order. Forward-only: a shipped migration is never edited, a new one is added.
import type { Migrations } from '../platform/db/migrator.ts'
import * as plans from './migrations/0001_plans.ts'
import * as idempotencyKeys from './migrations/0002_idempotency_keys.ts'
import * as crossOwnerIndexes from './migrations/0003_plans_cross_owner_indexes.ts'
import * as accounts from './migrations/0004_accounts.ts'

export const MIGRATIONS: Migrations = {
  '0001_plans': plans,
  '0002_idempotency_keys': idempotencyKeys,
  '0003_plans_cross_owner_indexes': crossOwnerIndexes,
  '0004_accounts': accounts,
}
