// The evaluator: a hardened mathjs instance, and one evaluation from text to a result or an AppError 422.
import type { MathJsInstance, MathNode } from 'mathjs'
import { AppError } from '../../platform/errors/app-error.ts'
import { truncate } from './error-detail.ts'
import { mathErrors } from './errors.ts'
import {
  ARRAY_CALL,
  CONSTANTS,
  FUNCTIONS,
  GUARDED_CALL_PREFIX,
  OPERATORS,
  readScope,
  secureTree,
  type EvaluationScope,
} from './expression-policy.ts'
import { createMathInstance, MATHJS_NAMES } from './math-instance.ts'
import { toResult } from './result-conversion.ts'
import type { EvaluationResult, EvaluatorLimits } from './types.ts'
import { callGuarded, createWorkBudget, type MathFunction } from './work-budget.ts'

export interface Evaluator {
  evaluate(expression: string, scope?: EvaluationScope): EvaluationResult
}

// The instance holds only what the allowlist leads to, so most of these are not on it at all; those
// that are (parse) and the rest are replaced as well, as mathjs's security notes advise, in case a call
// ever reached its namespace. Only functions no allowlisted one depends on, so nothing allowed breaks.
const DISABLED = ['import', 'createUnit', 'evaluate', 'parse', 'compile', 'parser', 'simplify']
  .concat(['simplifyConstant', 'simplifyCore', 'derivative', 'rationalize', 'resolve', 'reviver'])
  .concat(['replacer', 'chain', 'help'])

const MAX_DETAIL_CHARS = 300

/**
 * Builds the mathjs instance once and returns the evaluate function.
 * Evaluation checks the expression against the allowlist, guards every call by size and work, and
 * converts the value; every failure is an AppError 422.
 */
export function createEvaluator(limits: EvaluatorLimits): Evaluator {
  assertLimits(limits)
  const math = createMathInstance()
  const parse = math.parse
  const functions = resolveFunctions(math)
  math.import(Object.fromEntries(DISABLED.map((name) => [name, disabledFunction(name)])), { override: true })
  const knownNames = new Set([...MATHJS_NAMES, ...Object.keys(expressionNamespace(math))])
  const constants = new Map<string, unknown>(CONSTANTS.map((name) => [name, Reflect.get(math, name)]))

  function evaluate(expression: string, scope: EvaluationScope = {}): EvaluationResult {
    try {
      const variables = readScope(scope)
      const tree = secureTree(parseExpression(expression), {
        math,
        knownNames,
        variables,
        maxNodes: limits.maxNodes,
      })
      const budget = createWorkBudget()
      const evaluationScope = new Map(constants)
      for (const [name, fn] of functions) {
        evaluationScope.set(GUARDED_CALL_PREFIX + name, (...args: unknown[]) =>
          callGuarded(name, fn, args, limits.maxResultElements, budget),
        )
      }
      for (const [name, value] of variables) evaluationScope.set(name, value)
      const value: unknown = tree.compile().evaluate(evaluationScope)
      return toResult(math, value, limits)
    } catch (error) {
      throw toAppError(error)
    }
  }

  function parseExpression(expression: string): MathNode {
    if (typeof expression !== 'string') {
      throw mathErrors.EXPRESSION_INVALID({ detail: 'The expression must be a string.' })
    }
    if (expression.length > limits.maxExpressionLength) {
      throw mathErrors.EXPRESSION_TOO_COMPLEX({
        detail: `The expression is longer than ${limits.maxExpressionLength} characters.`,
      })
    }
    if (expression.trim() === '') throw mathErrors.EXPRESSION_INVALID({ detail: 'The expression is empty.' })
    return parse(expression)
  }

  evaluate('1 + 1') // creates mathjs's lazily built functions now rather than in the first request
  return { evaluate }
}

function assertLimits(limits: EvaluatorLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`)
  }
}

function disabledFunction(name: string): MathFunction {
  return () => {
    throw mathErrors.EXPRESSION_FORBIDDEN({ detail: `Function '${name}' is disabled.` })
  }
}

// Taken before the dangerous functions are replaced, so the dependencies mathjs builds lazily for
// them are the real ones. Transforms are preferred: they make `sum(A, 1)` count dimensions from 1,
// as everywhere in the expression language, except the lazy ones that need unevaluated nodes.
function resolveFunctions(math: MathJsInstance): Map<string, MathFunction> {
  const namespace = expressionNamespace(math)
  const functions = new Map<string, MathFunction>()
  for (const name of [...FUNCTIONS, ...OPERATORS]) {
    const transformed = functionIn(namespace, name)
    const fn =
      transformed === undefined || Reflect.get(transformed, 'rawArgs') === true
        ? functionIn(math, name)
        : transformed
    if (fn === undefined) throw new Error(`mathjs has no function '${name}'`)
    functions.set(name, fn)
  }
  const matrix = functionIn(math, 'matrix')
  if (matrix === undefined) throw new Error("mathjs has no function 'matrix'")
  functions.set(ARRAY_CALL, (...items: unknown[]) => matrix(items))
  return functions
}

function functionIn(namespace: object, name: string): MathFunction | undefined {
  const value: unknown = Reflect.get(namespace, name)
  return typeof value === 'function' ? (value as MathFunction) : undefined
}

/** The namespace mathjs resolves names of the expression language in (functions with transforms). */
function expressionNamespace(math: MathJsInstance): object {
  const expression: unknown = math.expression
  const namespace: unknown =
    typeof expression === 'object' && expression !== null
      ? Reflect.get(expression, 'mathWithTransform')
      : undefined
  if (typeof namespace !== 'object' || namespace === null) throw new Error('mathjs has no mathWithTransform')
  return namespace
}

// mathjs throws SyntaxError, TypeError, RangeError (DimensionError, IndexError) and plain Errors;
// running out of stack (deep nesting, in the parser or in compiled code) is a RangeError too.
function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return mathErrors.EXPRESSION_TOO_COMPLEX({ detail: 'The expression nests too deeply.', cause: error })
  }
  const reason = error instanceof Error ? error.message : String(error)
  return mathErrors.EXPRESSION_INVALID({ detail: truncate(reason, MAX_DETAIL_CHARS), cause: error })
}
