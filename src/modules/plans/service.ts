// Rules for plans: visibility by owner, versions, the end-date rule, idempotent creates. No HTTP, no SQL.
import { createHash, randomUUID } from 'node:crypto'
import type { Principal } from '../../platform/auth/principal.ts'
import { createKeyset } from '../../platform/db/keyset.ts'
import { invalidField } from '../../platform/errors/invalid-fields.ts'
import type { CursorCodec } from '../../platform/http/cursor.ts'
import { isUuid } from '../../platform/http/ids.ts'
import { planErrors } from './errors.ts'
import {
  PLAN_SORTS,
  sortKeyOf,
  type Plan,
  type PlanCreate,
  type PlanListQuery,
  type PlanPage,
  type PlanPatch,
  type PlanSort,
  type PlanStatus,
} from './schemas.ts'

export interface NewPlan {
  id: string
  owner: string
  title: string
  description: string
  status: PlanStatus
  start_date: string
  end_date: string | null
  tags: string[]
}

export interface IdempotentCreate {
  owner: string
  /** What the key is scoped to, so one key cannot replay another endpoint's response. */
  scope: string
  key: string
  requestHash: string
  plan: NewPlan
}

/** The plan as first created (a replay returns the stored first response, even if the plan changed since). */
export type IdempotentOutcome =
  { kind: 'created'; plan: Plan } | { kind: 'replayed'; plan: Plan } | { kind: 'mismatch' }

export interface PlansStore {
  insert(plan: NewPlan): Promise<Plan>
  /** Claims the key and inserts in one transaction; a retry with the same key gets the stored response. */
  insertIdempotent(request: IdempotentCreate): Promise<IdempotentOutcome>
  findById(id: string): Promise<Plan | undefined>
  updateIfVersion(id: string, version: number, patch: PlanPatch): Promise<Plan | undefined>
  deleteIfVersion(id: string, version: number | undefined): Promise<boolean>
  /** Up to query.limit + 1 rows after the position; owner undefined lists every owner's plans. */
  list(owner: string | undefined, query: PlanListQuery, after: PlanPosition | undefined): Promise<Plan[]>
}

/** Where a page of the list resumes: the last row's sort value (created_at or start_date) and id. */
export interface PlanPosition {
  value: string
  id: string
}

/** What If-Match asks for: one version, or '*' for any current one. */
export type ExpectedVersion = number | '*'

/** `cursors` signs the list's next_cursor (createCursorCodec(SECRET_KEY, 'plans')). */
export function createPlansService(store: PlansStore, cursors: CursorCodec) {
  const keysets = Object.fromEntries(
    PLAN_SORTS.map((sort) => [sort, createPlanKeyset(cursors, sort)]),
  ) as Record<PlanSort, PlanKeyset>

  /** The plan if it exists and the caller may see it; 404 alike for missing, malformed and foreign ids. */
  async function findVisible(principal: Principal, id: string): Promise<Plan> {
    const plan = isUuid(id) ? await store.findById(id.toLowerCase()) : undefined
    if (plan === undefined || !canSee(principal, plan)) {
      throw planErrors.PLAN_NOT_FOUND({ detail: `No plan ${id}` })
    }
    return plan
  }

  function newPlan(principal: Principal, input: PlanCreate): NewPlan {
    assertDatesInOrder(input.start_date, input.end_date ?? null)
    return {
      id: randomUUID(),
      // Owner, version and timestamps never come from the body (mass assignment).
      owner: principal.id,
      title: input.title,
      description: input.description ?? '',
      status: input.status ?? 'draft',
      start_date: input.start_date,
      end_date: input.end_date ?? null,
      tags: input.tags ?? [],
    }
  }

  return {
    async create(principal: Principal, input: PlanCreate): Promise<Plan> {
      return store.insert(newPlan(principal, input))
    },

    /** A create with an Idempotency-Key: the first response for (owner, key), whatever the retries. */
    async createIdempotent(
      principal: Principal,
      input: PlanCreate,
      key: string,
    ): Promise<{ plan: Plan; replayed: boolean }> {
      const outcome = await store.insertIdempotent({
        owner: principal.id,
        scope: 'POST /api/v1/plans',
        key,
        requestHash: hashBody(input),
        plan: newPlan(principal, input),
      })
      if (outcome.kind === 'mismatch') {
        throw planErrors.IDEMPOTENCY_KEY_REUSED({
          detail: `Idempotency-Key ${key} was used with a different body`,
        })
      }
      return { plan: outcome.plan, replayed: outcome.kind === 'replayed' }
    },

    get: findVisible,

    /** `expected` is the If-Match precondition: a version, '*' for whatever is current, or absent (428). */
    async update(
      principal: Principal,
      id: string,
      patch: PlanPatch,
      expected: ExpectedVersion | undefined,
    ): Promise<Plan> {
      const current = await findVisible(principal, id)
      if (expected === undefined) throw planErrors.PLAN_PRECONDITION_REQUIRED()
      const version = expected === '*' ? current.version : expected
      assertDatesInOrder(
        patch.start_date ?? current.start_date,
        patch.end_date === undefined ? current.end_date : patch.end_date,
      )
      const updated = await store.updateIfVersion(current.id, version, patch)
      if (updated === undefined) throw versionMismatch(current.id, version)
      return updated
    },

    /** Deletes unconditionally, or only at the version If-Match names. */
    async remove(principal: Principal, id: string, expected: ExpectedVersion | undefined): Promise<void> {
      const current = await findVisible(principal, id)
      const version = expected === undefined || expected === '*' ? undefined : expected
      const deleted = await store.deleteIfVersion(current.id, version)
      if (deleted) return
      if (version === undefined) throw planErrors.PLAN_NOT_FOUND({ detail: `No plan ${id}` })
      throw versionMismatch(current.id, version)
    },

    async list(principal: Principal, query: PlanListQuery): Promise<PlanPage> {
      const keyset = keysets[query.sort]
      const position = query.cursor === undefined ? undefined : keyset.decode(query.cursor)
      const after = position === undefined ? undefined : { value: position[0], id: position[1] }
      const rows = await store.list(principal.isAdmin ? undefined : principal.id, query, after)
      return keyset.page(rows, query.limit)
    },
  }
}

export type PlansService = ReturnType<typeof createPlansService>

/** A sort's cursors carry the sort, then the last row's sort value and id: [sort, value, id]. */
function createPlanKeyset(cursors: CursorCodec, sort: PlanSort) {
  const key = sortKeyOf(sort)
  return createKeyset({
    codec: cursors,
    order: sort,
    keys: [key === 'created_at' ? 'timestamp' : 'date', 'uuid'],
    positionOf: (plan: Plan) => [plan[key], plan.id],
  })
}
type PlanKeyset = ReturnType<typeof createPlanKeyset>

function canSee(principal: Principal, plan: Plan): boolean {
  return principal.isAdmin || plan.owner === principal.id
}

function assertDatesInOrder(startDate: string, endDate: string | null): void {
  // YYYY-MM-DD strings compare in calendar order.
  if (endDate !== null && endDate < startDate) {
    throw invalidField({
      location: 'body',
      pointer: '/end_date',
      message: `must not be before start_date (${startDate})`,
    })
  }
}

function versionMismatch(id: string, version: number) {
  return planErrors.PLAN_VERSION_MISMATCH({
    detail: `Plan ${id} is not at version ${version}; fetch it again for the current ETag`,
  })
}

/** The same JSON body hashes the same whatever its key order. */
function hashBody(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
