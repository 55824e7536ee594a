// SQL for plans: Kysely queries, the row ↔ Plan mapping, and the driver errors this table can raise.
import { sql, type Generated, type Kysely, type Selectable, type Transaction } from 'kysely'
import type { AnyDatabase } from '../../platform/db/database.ts'
import { withTransaction } from '../../platform/db/transaction.ts'
import { invalidField } from '../../platform/errors/invalid-fields.ts'
import { sortKeyOf, type Plan, type PlanListQuery, type PlanPatch } from './schemas.ts'
import type { IdempotentCreate, NewPlan, PlanPosition, PlansStore } from './service.ts'

/** What the service inserts, plus the columns the database fills in. */
type PlansTable = NewPlan & {
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

type IdempotencyKeysTable = {
  owner: string
  scope: string
  key: string
  request_hash: string
  response_body: unknown
  created_at: Generated<Date>
}

// Type aliases, not interfaces: Kysely needs them to be indexable.
export type PlansTables = {
  plans: PlansTable
  idempotency_keys: IdempotencyKeysTable
}

type PlansDb = Kysely<PlansTables>

/** The columns a Plan is made of (the generated search column stays in the database). */
const PLAN_COLUMNS = [
  'id',
  'owner',
  'title',
  'description',
  'status',
  'start_date',
  'end_date',
  'tags',
  'version',
  'created_at',
  'updated_at',
] as const

/** Idempotency keys are remembered this long; older ones are purged a few at a time on later creates. */
const IDEMPOTENCY_TTL = sql`interval '24 hours'`
const PURGE_BATCH = 100

export function createPlansRepo(database: AnyDatabase): PlansStore {
  const db: PlansDb = database.withTables<PlansTables>()

  async function insertPlan(executor: PlansDb | Transaction<PlansTables>, plan: NewPlan): Promise<Plan> {
    const row = await executor
      .insertInto('plans')
      .values({ ...plan, tags: sql`${plan.tags}::text[]` as unknown as string[] })
      .returning(PLAN_COLUMNS)
      .executeTakeFirstOrThrow()
      .catch(translateWriteError)
    return toPlan(row)
  }

  return {
    insert: (plan) => insertPlan(db, plan),

    async insertIdempotent(request: IdempotentCreate) {
      return withTransaction(db, async (trx) => {
        const { owner, scope, key } = request
        await purgeExpiredKeys(trx)
        const claimed = await trx
          .insertInto('idempotency_keys')
          .values({ owner, scope, key, request_hash: request.requestHash })
          .onConflict((conflict) => conflict.columns(['owner', 'scope', 'key']).doNothing())
          .returning('key')
          .executeTakeFirst()
        if (claimed === undefined) {
          // A concurrent request with the same key waited on the primary key until that one committed.
          const first = await trx
            .selectFrom('idempotency_keys')
            .select(['request_hash', 'response_body'])
            .where('owner', '=', owner)
            .where('scope', '=', scope)
            .where('key', '=', key)
            .executeTakeFirstOrThrow()
          if (first.request_hash !== request.requestHash) return { kind: 'mismatch' as const }
          return { kind: 'replayed' as const, plan: first.response_body as Plan }
        }
        const plan = await insertPlan(trx, request.plan)
        await trx
          .updateTable('idempotency_keys')
          .set({ response_body: JSON.stringify(plan) })
          .where('owner', '=', owner)
          .where('scope', '=', scope)
          .where('key', '=', key)
          .execute()
        return { kind: 'created' as const, plan }
      })
    },

    async findById(id) {
      const row = await db.selectFrom('plans').select(PLAN_COLUMNS).where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toPlan(row)
    },

    async updateIfVersion(id, version, patch: PlanPatch) {
      const row = await db
        .updateTable('plans')
        .set({
          ...patch,
          ...(patch.tags === undefined ? {} : { tags: sql`${patch.tags}::text[]` as unknown as string[] }),
          version: sql`version + 1`,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('version', '=', version)
        .returning(PLAN_COLUMNS)
        .executeTakeFirst()
        .catch(translateWriteError)
      return row === undefined ? undefined : toPlan(row)
    },

    async deleteIfVersion(id, version) {
      const result = await db
        .deleteFrom('plans')
        .where('id', '=', id)
        .$if(version !== undefined, (query) => query.where('version', '=', version ?? 0))
        .executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    async list(owner, query: PlanListQuery, after) {
      const key = sortKeyOf(query.sort)
      const descending = query.sort.startsWith('-')
      const rows = await db
        .selectFrom('plans')
        .select(PLAN_COLUMNS)
        .$if(owner !== undefined, (q) => q.where('owner', '=', owner ?? ''))
        .$if(query.status !== undefined, (q) => q.where('status', '=', query.status ?? 'draft'))
        .$if(query.tag !== undefined, (q) => q.where(sql<boolean>`tags @> array[${query.tag}]::text[]`))
        .$if(query.start_date_from !== undefined, (q) =>
          q.where('start_date', '>=', query.start_date_from ?? ''),
        )
        .$if(query.start_date_to !== undefined, (q) => q.where('start_date', '<=', query.start_date_to ?? ''))
        .$if(query.q !== undefined, (q) =>
          q.where(sql<boolean>`search @@ websearch_to_tsquery('english', ${query.q})`),
        )
        .$if(after !== undefined, (q) => q.where(afterPosition(key, descending, after as PlanPosition)))
        .orderBy(key, descending ? 'desc' : 'asc')
        .orderBy('id', descending ? 'desc' : 'asc')
        .limit(query.limit + 1)
        .execute()
      return rows.map(toPlan)
    },
  }
}

/** Keyset condition: rows strictly after the position's (sort value, id) in the page's direction. */
function afterPosition(key: 'created_at' | 'start_date', descending: boolean, after: PlanPosition) {
  const value = key === 'created_at' ? sql`${after.value}::timestamptz` : sql`${after.value}::date`
  return descending
    ? sql<boolean>`(${sql.ref(key)}, id) < (${value}, ${after.id}::uuid)`
    : sql<boolean>`(${sql.ref(key)}, id) > (${value}, ${after.id}::uuid)`
}

async function purgeExpiredKeys(trx: Transaction<PlansTables>): Promise<void> {
  await sql`
    delete from idempotency_keys where ctid in (
      select ctid from idempotency_keys where created_at < now() - ${IDEMPOTENCY_TTL} limit ${PURGE_BATCH}
    )`.execute(trx)
}

function toPlan(row: Pick<Selectable<PlansTable>, (typeof PLAN_COLUMNS)[number]>): Plan {
  return {
    ...row,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
}

/** The end-date rule is checked by the service; the table's own check is the backstop. */
function translateWriteError(error: unknown): never {
  const { code, constraint } = error as { code?: string; constraint?: string }
  if (code === '23514' && constraint === 'plans_end_after_start') {
    throw invalidField({
      location: 'body',
      pointer: '/end_date',
      message: 'must not be before start_date',
      cause: error,
    })
  }
  throw error
}
