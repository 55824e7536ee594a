// What an expression may contain: allowed functions, operators, constants and variables, and the tree check.
import type { MathJsInstance, MathNode } from 'mathjs'
import type { AppError } from '../../platform/errors/app-error.ts'
import { quote } from './error-detail.ts'
import { mathErrors } from './errors.ts'

/** Variables an expression may use: at most 32, named like identifiers, finite numbers or booleans. */
export type EvaluationScope = Readonly<Record<string, number | boolean>>

// Elementary math only. Absent on purpose: everything that parses or compiles (evaluate, parse,
// compile, simplify, derivative, rationalize, resolve), changes the instance (import, createUnit),
// creates matrices from a size (zeros, ones, identity, range, random, resize, reshape, kron, concat),
// takes callbacks (map, forEach, filter), and units, strings, BigNumbers and fractions.
export const FUNCTIONS: ReadonlySet<string> = new Set([
  ...['abs', 'sqrt', 'cbrt', 'square', 'cube', 'exp', 'expm1', 'log', 'log2', 'log10', 'log1p'],
  ...['pow', 'nthRoot', 'hypot', 'floor', 'ceil', 'round', 'fix', 'sign', 'mod', 'gcd', 'lcm'],
  ...['sin', 'cos', 'tan', 'sec', 'csc', 'cot', 'asin', 'acos', 'atan', 'atan2', 'asec', 'acsc', 'acot'],
  ...['sinh', 'cosh', 'tanh', 'sech', 'csch', 'coth', 'asinh', 'acosh', 'atanh', 'asech', 'acsch', 'acoth'],
  ...['min', 'max', 'sum', 'prod', 'mean', 'median', 'mode', 'std', 'variance'],
  ...['factorial', 'gamma', 'erf', 'combinations', 'permutations'],
  ...['add', 'subtract', 'multiply', 'divide', 'det', 'inv', 'transpose', 'ctranspose', 'trace'],
  ...['dot', 'cross', 'norm', 'size', 're', 'im', 'conj', 'arg'],
])

// Operator nodes by their mathjs function name. Not `to` (units) nor `??` (no value can be null).
export const OPERATORS: ReadonlySet<string> = new Set([
  ...['add', 'subtract', 'multiply', 'divide', 'dotMultiply', 'dotDivide', 'pow', 'dotPow', 'mod'],
  ...['unaryMinus', 'unaryPlus', 'factorial', 'ctranspose', 'not', 'and', 'or', 'xor'],
  ...['equal', 'unequal', 'smaller', 'larger', 'smallerEq', 'largerEq'],
  ...['bitAnd', 'bitOr', 'bitXor', 'bitNot', 'leftShift', 'rightArithShift', 'rightLogShift'],
])

const COMPARISONS: ReadonlySet<string> = new Set([
  'equal',
  'unequal',
  'smaller',
  'larger',
  'smallerEq',
  'largerEq',
])

export const CONSTANTS = ['pi', 'PI', 'e', 'E', 'tau', 'phi', 'i'] as const

/** The kind of node the parser made, as named in a forbidden-construct detail. */
const CONSTRUCT_NAMES: Readonly<Record<string, string>> = {
  AssignmentNode: 'assignment',
  FunctionAssignmentNode: 'function definition',
  BlockNode: 'several statements',
  RangeNode: 'range (a:b)',
  IndexNode: 'indexing',
  AccessorNode: 'indexing or property access',
  ObjectNode: 'object literal',
}

// Calls are rewritten to `#name(...)` and resolved from the scope Map the evaluator builds. '#' starts
// a comment in mathjs, so no parsed symbol and no scope variable can ever carry that name.
export const GUARDED_CALL_PREFIX = '#'
/** The guarded function an array literal is rewritten to: it builds a matrix of its items. */
export const ARRAY_CALL = 'array'

const MAX_SCOPE_VARIABLES = 32
const SCOPE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/

/** Checks the scope and copies its own entries, so nothing is read through its prototype. */
export function readScope(scope: EvaluationScope): Map<string, number | boolean> {
  if (typeof scope !== 'object' || scope === null) throw invalid('The scope must be an object.')
  const entries = Object.entries(scope)
  if (entries.length > MAX_SCOPE_VARIABLES) {
    throw invalid(`The scope has more than ${MAX_SCOPE_VARIABLES} variables.`)
  }
  const variables = new Map<string, number | boolean>()
  for (const [name, value] of entries) {
    if (!SCOPE_NAME.test(name)) {
      throw invalid(`Scope variable name ${quote(name)} must match ${SCOPE_NAME.source}.`)
    }
    if (typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw invalid(`Scope variable ${quote(name)} must be a finite number or a boolean.`)
    }
    variables.set(name, value)
  }
  return variables
}

export interface TreeContext {
  math: MathJsInstance
  /** Every name mathjs knows, whether on this instance or not, to tell a forbidden name from an unknown one. */
  knownNames: ReadonlySet<string>
  variables: ReadonlyMap<string, unknown>
  /** Most nodes the parsed expression tree may have. */
  maxNodes: number
}

// Checks every node against the allowlist before anything is evaluated, and rewrites each operator,
// call, array and comparison chain into a call of the guarded function of the same name. What
// mathjs then compiles holds only constants, variables, conditionals and those calls.
export function secureTree(root: MathNode, context: TreeContext): MathNode {
  const { math, maxNodes } = context
  let count = 0
  const call = (name: string, args: MathNode[]): MathNode =>
    new math.FunctionNode(new math.SymbolNode(GUARDED_CALL_PREFIX + name), args)

  function visit(node: MathNode): MathNode {
    count += 1
    if (count > maxNodes) {
      throw mathErrors.EXPRESSION_TOO_COMPLEX({
        detail: `The expression has more than ${maxNodes} nodes.`,
      })
    }
    if (math.isConstantNode(node)) return checkConstant(node.value, node)
    if (math.isSymbolNode(node)) return checkSymbol(node.name, node, context)
    if (math.isParenthesisNode(node)) return visit(node.content)
    if (math.isConditionalNode(node)) {
      return new math.ConditionalNode(visit(node.condition), visit(node.trueExpr), visit(node.falseExpr))
    }
    if (math.isOperatorNode(node)) {
      if (!OPERATORS.has(node.fn)) throw forbidden(`Operator '${node.op}' is not allowed.`)
      return call(node.fn, node.args.map(visit))
    }
    if (math.isFunctionNode(node)) return call(checkFunctionName(node.fn, math), node.args.map(visit))
    if (math.isArrayNode(node)) return call(ARRAY_CALL, node.items.map(visit))
    if (math.isRelationalNode(node)) return visitChain(node.conditionals, node.params.map(visit))
    throw forbidden(`The expression uses ${CONSTRUCT_NAMES[node.type] ?? node.type}, which is not allowed.`)
  }

  // a < b <= c is (a < b) and (b <= c): element-wise like every other operator, and guarded.
  function visitChain(comparisons: readonly string[], params: readonly MathNode[]): MathNode {
    let chain: MathNode | undefined
    for (const [index, name] of comparisons.entries()) {
      const left = params[index]
      const right = params[index + 1]
      if (!COMPARISONS.has(name)) throw forbidden(`Comparison '${name}' is not allowed.`)
      if (left === undefined || right === undefined) throw invalid('A comparison is missing an operand.')
      const link = call(name, [left, right])
      chain = chain === undefined ? link : call('and', [chain, link])
    }
    if (chain === undefined) throw invalid('A comparison is missing an operand.')
    return chain
  }

  return visit(root)
}

function checkConstant(value: unknown, node: MathNode): MathNode {
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return node
  if (value === undefined) throw invalid('The expression is empty.')
  if (typeof value === 'number') throw forbidden('Infinity, NaN and numbers beyond ±1.8e308 are not allowed.')
  if (typeof value === 'string') throw forbidden('Strings are not allowed.')
  throw forbidden(`The constant ${quote(node.toString())} is not allowed.`)
}

function checkSymbol(name: string, node: MathNode, { variables, knownNames }: TreeContext): MathNode {
  if (variables.has(name) || (CONSTANTS as readonly string[]).includes(name)) return node
  if (FUNCTIONS.has(name)) throw invalid(`Function ${quote(name)} must be called with arguments.`)
  if (knownNames.has(name)) throw forbidden(`${quote(name)} is not allowed.`)
  throw invalid(`Undefined symbol ${quote(name)}.`)
}

function checkFunctionName(fn: MathNode, math: MathJsInstance): string {
  if (!math.isSymbolNode(fn)) throw forbidden('Only functions called by name are allowed.')
  if (!FUNCTIONS.has(fn.name)) throw forbidden(`Function ${quote(fn.name)} is not allowed.`)
  return fn.name
}

function invalid(detail: string): AppError {
  return mathErrors.EXPRESSION_INVALID({ detail })
}

function forbidden(detail: string): AppError {
  return mathErrors.EXPRESSION_FORBIDDEN({ detail })
}
