// The four requests every server answers, with the status and body each must return: two computed by
// the math modules, two against PostgreSQL (the seeded plan, and a create). Every request carries the
// run's API key; only Bulwark checks it, but all three servers get the same request bytes.
import { fibonacci } from '../src/modules/math/fibonacci.ts'
import { describe } from '../src/modules/math/statistics.ts'
import { PLAN_CREATE_BODY, SEEDED_PLAN } from './plans.ts'

export const SCENARIO_NAMES = ['fibonacci', 'statistics', 'plans-read', 'plans-create'] as const
export type ScenarioName = (typeof SCENARIO_NAMES)[number]

/**
 * How a body is checked: `exact`, deep-equal to `expected` (and then every response byte-equal to the
 * first); `created-plan`, the sent plan stored anew (bench/plans.ts), since id and timestamps differ.
 */
export type BodyCheck = { kind: 'exact'; expected: unknown } | { kind: 'created-plan' }

export interface Scenario {
  name: ScenarioName
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body: string | undefined
  status: 200 | 201
  check: BodyCheck
  /** Each window starts from the seeded plans table, so every server inserts into the same table size. */
  resetsPlans: boolean
}

const FIBONACCI_N = 30
const STATISTICS_QUANTILES = [0.25, 0.5, 0.75]

/** 100 fixed pseudo-random values with three decimals: the same ~1 KB body on every run. */
function statisticsValues(count = 100): number[] {
  let state = 20_240_601
  const values: number[] = []
  for (let index = 0; index < count; index++) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    values.push(Math.round((state / 2_147_483_648) * 10_000_000) / 1000)
  }
  return values
}

export function createScenarios(apiKey: string): Scenario[] {
  const auth = { authorization: `Bearer ${apiKey}` }
  const json = { ...auth, 'content-type': 'application/json' }
  const values = statisticsValues()
  const statisticsBody = JSON.stringify({ values, quantiles: STATISTICS_QUANTILES })
  const statistics = JSON.parse(JSON.stringify(describe(values, STATISTICS_QUANTILES))) as unknown
  const common = { status: 200, resetsPlans: false } as const
  return [
    {
      name: 'fibonacci',
      method: 'GET',
      path: `/api/v1/math/fibonacci/${FIBONACCI_N}`,
      headers: auth,
      body: undefined,
      check: { kind: 'exact', expected: { n: FIBONACCI_N, value: fibonacci(FIBONACCI_N).toString() } },
      ...common,
    },
    {
      name: 'statistics',
      method: 'POST',
      path: '/api/v1/math/statistics',
      headers: json,
      body: statisticsBody,
      check: { kind: 'exact', expected: statistics },
      ...common,
    },
    {
      name: 'plans-read',
      method: 'GET',
      path: `/api/v1/plans/${SEEDED_PLAN.id}`,
      headers: auth,
      body: undefined,
      check: { kind: 'exact', expected: SEEDED_PLAN },
      ...common,
    },
    {
      name: 'plans-create',
      method: 'POST',
      path: '/api/v1/plans',
      headers: json,
      body: JSON.stringify(PLAN_CREATE_BODY),
      status: 201,
      check: { kind: 'created-plan' },
      resetsPlans: true,
    },
  ]
}
