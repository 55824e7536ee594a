// What each guarded call may cost: result size predicted from argument shapes, work charged, argument caps.
import type { AppError } from '../../platform/errors/app-error.ts'
import { mathErrors } from './errors.ts'
import { ARRAY_CALL } from './expression-policy.ts'
import { isMatrix } from './math-instance.ts'

/** A mathjs function, called with the values the compiled expression passes. */
export type MathFunction = (...args: unknown[]) => unknown
type Shape = readonly number[]

// Work one evaluation may do, in units of about 100 ns of mathjs 15 on Node 24 (measured on 100×100
// matrices), so about 100 ms: evaluation runs on the main thread until a worker pool takes it, and
// every other request of the process waits meanwhile. Sizes are capped per value; this caps chains
// such as (A^1000)^1000.
// An element-wise operation or reduction costs 30–150 ns per element, a dense product 3–20 ns per
// multiply-add, inv 40 ns·n³, det 3 ns·n³, a matrix 2-norm (from eigenvalues) 300–500 ns·n³, and the
// factorial-like functions up to 5 µs per element.
const MAX_WORK_UNITS = 1_000_000
const UNITS_PER_MULTIPLY_ADD = 0.2
const UNITS_PER_CUBED_SIDE: Readonly<Record<string, number>> = { inv: 0.5, det: 0.05, norm: 5 }
const UNITS_PER_COMBINATORIAL_ELEMENT = 50
const COMBINATORIAL: ReadonlySet<string> = new Set(['factorial', 'gamma', 'combinations', 'permutations'])
// mathjs loops over the exponent's bits with 32-bit operators: [[2]]^(2^32) silently gives [[1]].
const MAX_MATRIX_EXPONENT = 2 ** 31 - 1
// mathjs's product() halves ranges with `>> 1`, which wraps at 2^31 and then never ends: n + i < 2^31.
const MAX_PERMUTATIONS_N = 2 ** 30 - 1
// combinations(n, k) loops with ++n, which stops moving past 2^53.
const MAX_COMBINATIONS_N = Number.MAX_SAFE_INTEGER
// C(n, m) ≥ 2^m for m = min(k, n − k), and k!·C(n, k) ≥ 171!: beyond these the result is Infinity.
const MAX_COMBINATIONS_MIN_K = 1024
const MAX_PERMUTATIONS_K = 170

/** The work left to one evaluation; every guarded call of it spends from the same budget. */
export interface WorkBudget {
  spend(units: number): void
}

export function createWorkBudget(): WorkBudget {
  let remaining = MAX_WORK_UNITS
  return {
    spend(cost) {
      remaining -= cost
      if (remaining < 0) {
        throw mathErrors.EXPRESSION_TOO_COMPLEX({ detail: 'The expression needs more work than allowed.' })
      }
    },
  }
}

// Runs before and after every call: the size of the result is predicted from the argument shapes and
// refused before mathjs allocates it, the work is charged, known mathjs pitfalls are refused, and the
// actual result is measured again in case the prediction was too low.
export function callGuarded(
  name: string,
  fn: MathFunction,
  args: unknown[],
  maxResultElements: number,
  budget: WorkBudget,
): unknown {
  const shapes = args.map(shapeOf)
  const predicted = predictElements(name, shapes)
  if (predicted > maxResultElements) throw tooLarge(maxResultElements)
  checkArguments(name, args, shapes)
  budget.spend(estimateWork(name, args, shapes, predicted))
  const value = fn(...args)
  assertElementsWithin(value, maxResultElements)
  return value
}

/** Throws RESULT_TOO_LARGE when the value is a matrix or array of more than maxResultElements. */
export function assertElementsWithin(value: unknown, maxResultElements: number): void {
  const shape = shapeOf(value)
  if (shape !== undefined && elements(shape) > maxResultElements) throw tooLarge(maxResultElements)
}

function shapeOf(value: unknown): Shape | undefined {
  if (isMatrix(value)) return value.size()
  if (!Array.isArray(value)) return undefined
  const shape: number[] = []
  let level: unknown = value
  while (Array.isArray(level)) {
    shape.push(level.length)
    level = level[0]
  }
  return shape
}

function elements(shape: Shape): number {
  return shape.reduce((product, length) => product * length, 1)
}

// An upper bound of the result's elements. Element-wise operators broadcast (numpy rules: shapes
// aligned at the right, each axis the larger length); products contract the inner dimensions.
function predictElements(name: string, shapes: readonly (Shape | undefined)[]): number {
  const collections = shapes.filter((shape) => shape !== undefined)
  if (name === ARRAY_CALL) {
    return shapes.reduce((total, shape) => total + (shape === undefined ? 1 : elements(shape)), 0)
  }
  if (name === 'multiply') return elements(multiplyShapes(collections).shape)
  if (collections.length < 2) return collections[0] === undefined ? 1 : elements(collections[0])
  const rank = Math.max(...collections.map((shape) => shape.length))
  const broadcast = Array.from({ length: rank }, (_, axis) =>
    Math.max(...collections.map((shape) => shape[shape.length - rank + axis] ?? 1)),
  )
  return elements(broadcast)
}

function multiplyShapes(shapes: readonly Shape[]): { shape: Shape; work: number } {
  let shape: Shape = []
  let work = 0
  for (const [index, next] of shapes.entries()) {
    if (index === 0) {
      shape = next
      continue
    }
    work += elements(shape) * elements(next.slice(1))
    shape = [...shape.slice(0, -1), ...next.slice(1)]
  }
  return { shape, work }
}

function estimateWork(
  name: string,
  args: readonly unknown[],
  shapes: readonly (Shape | undefined)[],
  predicted: number,
): number {
  const collections = shapes.filter((shape) => shape !== undefined)
  const touched = Math.max(predicted, ...collections.map(elements))
  const cube = (shapes[0]?.[0] ?? 1) ** 3
  const exponent = args[1]
  if (name === 'multiply') return touched + UNITS_PER_MULTIPLY_ADD * multiplyShapes(collections).work
  if (COMBINATORIAL.has(name)) return touched * UNITS_PER_COMBINATORIAL_ELEMENT
  if (name === 'pow' && shapes[0] !== undefined && typeof exponent === 'number') {
    // One squaring and one product per bit of the exponent, and an inversion when it is negative.
    const products = 2 * Math.ceil(Math.log2(Math.abs(exponent) + 1)) + (exponent < 0 ? 10 : 0)
    return touched + UNITS_PER_MULTIPLY_ADD * products * cube
  }
  return touched + (UNITS_PER_CUBED_SIDE[name] ?? 0) * cube
}

function checkArguments(
  name: string,
  args: readonly unknown[],
  shapes: readonly (Shape | undefined)[],
): void {
  const [first, second] = args
  const isMatrixPower = name === 'pow' && shapes[0] !== undefined && typeof second === 'number'
  if (isMatrixPower && Math.abs(second) > MAX_MATRIX_EXPONENT) {
    throw mathErrors.EXPRESSION_INVALID({
      detail: `Matrix powers need an exponent between -${MAX_MATRIX_EXPONENT} and ${MAX_MATRIX_EXPONENT}.`,
    })
  }
  if (args.length !== 2 || typeof first !== 'number' || typeof second !== 'number') return
  if (!Number.isInteger(first) || !Number.isInteger(second)) return
  const [n, k] = [first, second]
  if (name === 'combinations') {
    if (n > MAX_COMBINATIONS_N) {
      throw mathErrors.EXPRESSION_INVALID({ detail: `combinations(n, k) needs n ≤ ${MAX_COMBINATIONS_N}.` })
    }
    if (k >= 0 && k <= n && Math.min(k, n - k) > MAX_COMBINATIONS_MIN_K) {
      throw notFinite(`combinations(${n}, ${k})`)
    }
  }
  if (name === 'permutations') {
    if (n > MAX_PERMUTATIONS_N) {
      throw mathErrors.EXPRESSION_INVALID({ detail: `permutations(n, k) needs n ≤ ${MAX_PERMUTATIONS_N}.` })
    }
    if (k >= 0 && k <= n && k > MAX_PERMUTATIONS_K) throw notFinite(`permutations(${n}, ${k})`)
  }
}

function tooLarge(maxResultElements: number): AppError {
  return mathErrors.RESULT_TOO_LARGE({
    detail: `A matrix would have more than ${maxResultElements} elements.`,
  })
}

function notFinite(call: string): AppError {
  return mathErrors.RESULT_NOT_FINITE({ detail: `${call} is beyond ±1.8e308, which JSON cannot represent.` })
}
