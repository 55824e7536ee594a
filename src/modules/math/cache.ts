// /math/evaluate results through the cache service: an expression with the same variables always gives
// the same result, so a result is kept for CACHE_MATH_TTL_MS and shared through Redis when configured.
// Errors (invalid, refused, too large) are never cached. Bounded by entries and by an estimate of bytes.
import { createHash } from 'node:crypto'
import { parseShared, type Cache, type CacheRegistry } from '../../platform/cache/cache.ts'
import type { CacheConfig } from '../../platform/config/config.ts'
import type { EvaluationResult, MatrixValue } from './types.ts'

/** What one process's math cache may hold, estimated (a 10 000-element matrix is ~160 KB). */
const MAX_CACHED_BYTES = 32 * 1024 * 1024
const RESULT_TYPES = new Set(['number', 'boolean', 'matrix', 'complex', 'complex_matrix'])

export type MathCache = Cache<EvaluationResult>

/** The cache of evaluation results, or undefined when CACHE_MATH_TTL_MS is 0. */
export function createMathCache(caches: CacheRegistry, config: CacheConfig): MathCache | undefined {
  if (config.mathTtlMs === 0) return undefined
  return caches.create<EvaluationResult>({
    name: 'math',
    ttlMs: config.mathTtlMs,
    maxEntries: config.maxEntries,
    size: { maxSize: MAX_CACHED_BYTES, sizeOf: estimateBytes },
    shared: { serialize: (result) => JSON.stringify(result), deserialize: resultOf },
  })
}

/**
 * The key of an evaluation: a SHA-256 of the expression and its variables in name order, so that a key is
 * 43 characters in memory and in Redis whatever MATH_EXPRESSION_MAX_LENGTH allows.
 */
export function evaluationKey(expression: string, scope?: Record<string, number | boolean>): string {
  // The length first: no expression can pass for another expression with variables.
  const hash = createHash('sha256')
    .update(`${String(expression.length)}:`)
    .update(expression)
  if (scope !== undefined) {
    const names = Object.keys(scope).sort()
    hash.update(JSON.stringify(names.map((name) => [name, scope[name]])))
  }
  return hash.digest('base64url')
}

function estimateBytes(result: EvaluationResult): number {
  if (result.type === 'matrix') return 64 + 16 * countElements(result.result)
  if (typeof result.result === 'string') return 64 + 2 * result.result.length
  return 64
}

function countElements(matrix: MatrixValue): number {
  let count = 0
  for (const element of matrix) count += Array.isArray(element) ? countElements(element) : 1
  return count
}

/** A result as another instance stored it; anything else is a miss. */
function resultOf(text: string): EvaluationResult | undefined {
  const value = parseShared(text)
  const result = value as { type?: unknown; result?: unknown } | null
  if (typeof result?.type !== 'string' || !RESULT_TYPES.has(result.type) || result.result === undefined)
    return undefined
  return result as EvaluationResult
}
