// Rules of the Math API: which computation runs, with which bounds. No HTTP here.
import type { MathLimits } from '../../platform/config/config.ts'
import { evaluationKey, type MathCache } from './cache.ts'
import type { Evaluator } from './evaluator.ts'
import { fibonacci } from './fibonacci.ts'
import { describe, type Statistics } from './statistics.ts'
import type { EvaluationResult } from './types.ts'

/** Longest string form of a non-numeric result (complex, unit, ...), in characters. */
const MAX_RESULT_CHARS = 10_000

/** `cache` keeps evaluation results (cache.ts); without it every evaluation is computed. */
export function createMathService(limits: MathLimits, cache?: MathCache) {
  // mathjs is loaded on the first evaluation, not at start: about 40 MB of resident memory and 0.4 s that a
  // process serving no evaluation never pays (docs/BENCHMARKS.md, Memory). Concurrent first calls share one
  // load; a failed load is retried by the next call.
  let evaluator: Evaluator | undefined
  let loading: Promise<Evaluator> | undefined
  const load = () => {
    loading ??= import('./evaluator.ts').then(
      ({ createEvaluator }) =>
        (evaluator = createEvaluator({
          maxExpressionLength: limits.maxExpressionLength,
          maxNodes: limits.maxNodes,
          maxResultElements: limits.maxResultElements,
          maxResultChars: MAX_RESULT_CHARS,
        })),
      (error: unknown) => {
        loading = undefined
        throw error
      },
    )
    return loading
  }

  return {
    async evaluate(expression: string, scope?: Record<string, number | boolean>): Promise<EvaluationResult> {
      const compute = async () => (evaluator ?? (await load())).evaluate(expression, scope)
      if (cache === undefined) return compute()
      // A refused or failing expression throws: nothing is cached, the caller gets the error.
      const result = await cache.fetch(evaluationKey(expression, scope), compute)
      if (result === undefined) throw new Error('evaluation gave no result')
      return result
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
