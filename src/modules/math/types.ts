// The evaluator's limits and result shapes, shared by the evaluator and the result conversion.

export interface EvaluatorLimits {
  /** Longest accepted expression, in UTF-16 code units; checked before parsing. */
  maxExpressionLength: number
  /** Most nodes the parsed expression tree may have. */
  maxNodes: number
  /** Most elements of any matrix, the result or one computed on the way to it. */
  maxResultElements: number
  /** Longest string form of a result (complex values). */
  maxResultChars: number
}

/** Matrices as nested arrays: numbers, or booleans for the result of an element-wise comparison. */
export type MatrixValue = (number | boolean | MatrixValue)[]

export type EvaluationResult =
  | { type: 'number'; result: number }
  | { type: 'boolean'; result: boolean }
  | { type: 'matrix'; result: MatrixValue }
  /** A complex number with a non-zero imaginary part, as mathjs formats it: '1 + 2i'. */
  | { type: 'complex'; result: string }
  /** A matrix with a complex element, as mathjs formats it: '[[1, 2i], [3, 4]]'. */
  | { type: 'complex_matrix'; result: string }
