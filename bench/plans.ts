// The plans of the two PostgreSQL scenarios: the one seeded for plans-read, the body plans-create posts,
// and the check that a create answer is that body stored as a new plan. Imported by the load generator
// too, so it imports nothing heavy.
import { isDeepStrictEqual } from 'node:util'

/**
 * The owner of every plan here: the owner of the run's API key (bench/targets.ts), so Bulwark shows that
 * key the seeded plan and stores its creates under this owner; the comparison servers use it as is.
 */
export const PLAN_OWNER = 'bench'

/** Every column given, timestamps included, so the expected body is known before any server runs. */
export const SEEDED_PLAN = {
  id: '5f0c8f7e-3c1a-4d2b-9e6f-1a2b3c4d5e6f',
  owner: PLAN_OWNER,
  title: 'Seeded bench plan',
  description: 'The one plan every plans-read request fetches.',
  status: 'active',
  start_date: '2026-12-01',
  end_date: '2026-12-31',
  tags: ['bench', 'read'],
  version: 1,
  created_at: '2026-11-23T08:00:00.000Z',
  updated_at: '2026-11-23T08:00:00.000Z',
} as const

export const PLAN_CREATE_BODY = { title: 'Bench plan', start_date: '2026-12-01', tags: ['bench'] } as const

/** The fields a created plan takes from PLAN_CREATE_BODY, or the defaults of the ones it leaves out. */
const CREATED_FIELDS = {
  owner: PLAN_OWNER,
  title: PLAN_CREATE_BODY.title,
  description: '',
  status: 'draft',
  start_date: PLAN_CREATE_BODY.start_date,
  end_date: null,
  tags: PLAN_CREATE_BODY.tags,
  version: 1,
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO_MILLISECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * Why a create answer's body is not PLAN_CREATE_BODY stored as a new plan (undefined if it is): exactly
 * the plan's keys, the sent and default values, and a new id and timestamps of the right form.
 */
export function findCreatedPlanProblem(text: string): string | undefined {
  let plan: Record<string, unknown>
  try {
    plan = JSON.parse(text) as Record<string, unknown>
  } catch {
    return 'a body that is not JSON'
  }
  const { id, created_at: createdAt, updated_at: updatedAt, ...fields } = plan
  if (typeof id !== 'string' || !UUID.test(id)) return 'no UUID id'
  if (typeof createdAt !== 'string' || !ISO_MILLISECONDS.test(createdAt)) return 'no ISO created_at'
  if (updatedAt !== createdAt) return 'an updated_at different from created_at'
  if (!isDeepStrictEqual(fields, CREATED_FIELDS)) return `fields other than ${JSON.stringify(CREATED_FIELDS)}`
  return undefined
}
