// Turns what mathjs computed into the JSON result union, refusing values that are not finite or too large.
import type { Complex, MathJsInstance } from 'mathjs'
import type { AppError } from '../../platform/errors/app-error.ts'
import { mathErrors } from './errors.ts'
import { isComplex, isMatrix } from './math-instance.ts'
import type { EvaluationResult, EvaluatorLimits, MatrixValue } from './types.ts'
import { assertElementsWithin } from './work-budget.ts'

type ResultLimits = Pick<EvaluatorLimits, 'maxResultElements' | 'maxResultChars'>

const FORMAT = { precision: 14 } as const

export function toResult(math: MathJsInstance, value: unknown, limits: ResultLimits): EvaluationResult {
  if (typeof value === 'number') return { type: 'number', result: finite(value) }
  if (typeof value === 'boolean') return { type: 'boolean', result: value }
  if (isComplex(value)) {
    const real = realPartOf(value)
    if (real !== undefined) return { type: 'number', result: real }
    return { type: 'complex', result: formatted(math, value, limits) }
  }
  if (isMatrix(value) || Array.isArray(value)) return toMatrixResult(math, value, limits)
  throw unsupported(math, value)
}

function toMatrixResult(math: MathJsInstance, value: unknown, limits: ResultLimits): EvaluationResult {
  assertElementsWithin(value, limits.maxResultElements)
  const entries: unknown = isMatrix(value) ? value.toArray() : value
  let hasComplex = false
  const convert = (entry: unknown): number | boolean | MatrixValue => {
    if (Array.isArray(entry)) return entry.map(convert)
    if (typeof entry === 'number') return finite(entry)
    if (typeof entry === 'boolean') return entry
    if (!isComplex(entry)) throw unsupported(math, entry)
    const real = realPartOf(entry)
    hasComplex ||= real === undefined
    return real ?? 0
  }
  const result = convert(entries)
  if (hasComplex) return { type: 'complex_matrix', result: formatted(math, value, limits) }
  return { type: 'matrix', result: Array.isArray(result) ? result : [result] }
}

/** The real part when the imaginary part is exactly zero (i^2 is -1); throws when a part is not finite. */
function realPartOf(value: Complex): number | undefined {
  finite(value.re)
  finite(value.im)
  return value.im === 0 ? value.re : undefined
}

function finite(value: number): number {
  if (Number.isFinite(value)) return value
  throw mathErrors.RESULT_NOT_FINITE({ detail: `The result is ${value}, which JSON cannot represent.` })
}

function formatted(math: MathJsInstance, value: unknown, limits: ResultLimits): string {
  const text = math.format(value, FORMAT)
  if (text.length > limits.maxResultChars) {
    throw mathErrors.RESULT_TOO_LARGE({
      detail: `The result is longer than ${limits.maxResultChars} characters.`,
    })
  }
  return text
}

function unsupported(math: MathJsInstance, value: unknown): AppError {
  return mathErrors.EXPRESSION_INVALID({
    detail: `The expression evaluates to a ${math.typeOf(value)}, which is not a supported result.`,
  })
}
