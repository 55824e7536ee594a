// Request and response shapes of the Math API; the limits come from configuration.
import { Type, type Static } from 'typebox'
import type { MathLimits } from '../../platform/config/config.ts'
import { Nullable } from '../../platform/http/nullable.ts'

const SCOPE_NAME = '^[A-Za-z_][A-Za-z0-9_]{0,63}$'

/** JSON numbers beyond ±MAX_VALUE (like 1e999) parse to ±Infinity; the bounds reject them as invalid input. */
const FiniteNumber = (options: { examples?: unknown[] } = {}) =>
  Type.Number({ minimum: -Number.MAX_VALUE, maximum: Number.MAX_VALUE, ...options })

export function createMathSchemas(limits: MathLimits) {
  const EvaluateRequestSchema = Type.Object(
    {
      expression: Type.String({
        minLength: 1,
        maxLength: limits.maxExpressionLength,
        examples: ['sqrt(x^2 + y^2)'],
      }),
      scope: Type.Optional(
        Type.Record(Type.String(), Type.Union([FiniteNumber(), Type.Boolean()]), {
          // TypeBox drops a pattern on the key type; propertyNames is what JSON Schema validates.
          propertyNames: { pattern: SCOPE_NAME },
          maxProperties: 32,
          description: 'Variables the expression may use',
          examples: [{ x: 3, y: 4 }],
        }),
      ),
    },
    { title: 'EvaluateRequest', additionalProperties: false },
  )

  const NumberMatrixSchema = Type.Array(Type.Unknown(), { description: 'Nested arrays of numbers' })
  const EvaluateResponseSchema = Type.Object(
    {
      result: Type.Union([Type.Number(), Type.Boolean(), Type.String(), NumberMatrixSchema]),
      type: Type.String({
        description: 'number, boolean, matrix, complex, unit or string',
        examples: ['number'],
      }),
    },
    { title: 'EvaluateResponse', additionalProperties: false, examples: [{ result: 5, type: 'number' }] },
  )

  const StatisticsRequestSchema = Type.Object(
    {
      values: Type.Array(FiniteNumber(), {
        minItems: 1,
        maxItems: limits.maxStatisticsValues,
        examples: [[2, 4, 4, 4, 5, 5, 7, 9]],
      }),
      quantiles: Type.Optional(
        Type.Array(Type.Number({ minimum: 0, maximum: 1 }), {
          maxItems: 32,
          uniqueItems: true,
          examples: [[0.25, 0.75]],
        }),
      ),
    },
    { title: 'StatisticsRequest', additionalProperties: false },
  )

  const StatisticsResponseSchema = Type.Object(
    {
      count: Type.Integer(),
      sum: Type.Number(),
      mean: Type.Number(),
      median: Type.Number(),
      modes: Type.Array(Type.Number()),
      variance_population: Type.Number(),
      variance_sample: Nullable(Type.Number()),
      stddev_population: Type.Number(),
      stddev_sample: Nullable(Type.Number()),
      min: Type.Number(),
      max: Type.Number(),
      quantiles: Type.Array(Type.Object({ q: Type.Number(), value: Type.Number() })),
    },
    { title: 'StatisticsResponse', additionalProperties: false },
  )

  const FibonacciParamsSchema = Type.Object(
    { n: Type.Integer({ minimum: 0, maximum: limits.maxFibonacciN, examples: [30] }) },
    { additionalProperties: false },
  )

  const FibonacciResponseSchema = Type.Object(
    {
      n: Type.Integer(),
      value: Type.String({ pattern: '^[0-9]+$', description: 'Exact value as a decimal string' }),
    },
    { title: 'FibonacciResponse', additionalProperties: false, examples: [{ n: 30, value: '832040' }] },
  )

  return {
    EvaluateRequestSchema,
    EvaluateResponseSchema,
    StatisticsRequestSchema,
    StatisticsResponseSchema,
    FibonacciParamsSchema,
    FibonacciResponseSchema,
  }
}

export type MathSchemas = ReturnType<typeof createMathSchemas>
export type EvaluateRequest = Static<MathSchemas['EvaluateRequestSchema']>
export type StatisticsRequest = Static<MathSchemas['StatisticsRequestSchema']>
