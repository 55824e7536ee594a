// Bounds on the work one /math request may ask for.
import { defineGroup } from '../group.ts'

export interface MathLimits {
  maxExpressionLength: number
  maxNodes: number
  maxResultElements: number
  maxStatisticsValues: number
  maxFibonacciN: number
}

export const mathGroup = defineGroup({
  section: 'limits',
  prefixes: ['MATH_'],
  variables: {
    MATH_EXPRESSION_MAX_LENGTH: {
      type: 'integer',
      min: 1,
      max: 100_000,
      default: '1000',
      doc: 'Longest expression /math/evaluate accepts, in characters.',
    },
    MATH_EXPRESSION_MAX_NODES: {
      type: 'integer',
      min: 1,
      max: 100_000,
      default: '200',
      doc: 'Most parse-tree nodes an expression may have.',
    },
    MATH_RESULT_MAX_ELEMENTS: {
      type: 'integer',
      min: 1,
      max: 1_000_000,
      default: '10000',
      doc: 'Most elements a matrix result may have.',
    },
    MATH_STATISTICS_MAX_VALUES: {
      type: 'integer',
      min: 1,
      max: 1_000_000,
      default: '10000',
      doc: 'Most values /math/statistics accepts in one request.',
    },
    MATH_FIBONACCI_MAX_N: {
      type: 'integer',
      min: 1,
      max: 1_000_000,
      default: '100000',
      doc: 'Largest n /math/fibonacci/{n} computes; larger gets 422.',
    },
  },
  build: (values): MathLimits => ({
    maxExpressionLength: values.MATH_EXPRESSION_MAX_LENGTH,
    maxNodes: values.MATH_EXPRESSION_MAX_NODES,
    maxResultElements: values.MATH_RESULT_MAX_ELEMENTS,
    maxStatisticsValues: values.MATH_STATISTICS_MAX_VALUES,
    maxFibonacciN: values.MATH_FIBONACCI_MAX_N,
  }),
})
