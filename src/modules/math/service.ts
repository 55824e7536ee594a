// Rules of the Math API: which computation runs, with which bounds. No HTTP here.
import type { MathLimits } from '../../platform/config/config.ts'
import { createEvaluator } from './evaluator.ts'
import { fibonacci } from './fibonacci.ts'
import { describe, type Statistics } from './statistics.ts'
import type { EvaluationResult } from './types.ts'

/** Longest string form of a non-numeric result (complex, unit, ...), in characters. */
const MAX_RESULT_CHARS = 10_000

export function createMathService(limits: MathLimits) {
  const evaluator = createEvaluator({
    maxExpressionLength: limits.maxExpressionLength,
    maxNodes: limits.maxNodes,
    maxResultElements: limits.maxResultElements,
    maxResultChars: MAX_RESULT_CHARS,
  })

  return {
    evaluate(expression: string, scope?: Record<string, number | boolean>): EvaluationResult {
      return evaluator.evaluate(expression, scope)
    },
    statistics(values: readonly number[], quantiles?: readonly number[]): Statistics {
      return describe(values, quantiles)
    },
    fibonacci(n: number): { n: number; value: string } {
      return { n, value: fibonacci(n).toString() }
    },
  }
}

export type MathService = ReturnType<typeof createMathService>
