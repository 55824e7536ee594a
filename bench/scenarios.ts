// The two requests every server answers, with the body each must return (computed by the real modules).
import { fibonacci } from '../src/modules/math/fibonacci.ts'
import { describe } from '../src/modules/math/statistics.ts'

export const SCENARIO_NAMES = ['fibonacci', 'statistics'] as const
export type ScenarioName = (typeof SCENARIO_NAMES)[number]

export interface Scenario {
  name: ScenarioName
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body: string | undefined
  /** The parsed JSON a correct server answers with 200. */
  expected: unknown
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

export function createScenarios(): Scenario[] {
  const values = statisticsValues()
  const statisticsBody = JSON.stringify({ values, quantiles: STATISTICS_QUANTILES })
  return [
    {
      name: 'fibonacci',
      method: 'GET',
      path: `/api/v1/math/fibonacci/${FIBONACCI_N}`,
      headers: {},
      body: undefined,
      expected: { n: FIBONACCI_N, value: fibonacci(FIBONACCI_N).toString() },
    },
    {
      name: 'statistics',
      method: 'POST',
      path: '/api/v1/math/statistics',
      headers: { 'content-type': 'application/json' },
      body: statisticsBody,
      expected: JSON.parse(JSON.stringify(describe(values, STATISTICS_QUANTILES))) as unknown,
    },
  ]
}
