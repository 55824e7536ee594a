import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../../../src/platform/errors/app-error.ts'
import { createEvaluator } from '../../../src/modules/math/evaluator.ts'
import type { EvaluatorLimits } from '../../../src/modules/math/types.ts'
import type { EvaluationScope } from '../../../src/modules/math/expression-policy.ts'

// The configuration defaults: MATH_EXPRESSION_MAX_LENGTH, _MAX_NODES, MATH_RESULT_MAX_ELEMENTS.
const DEFAULT_LIMITS: EvaluatorLimits = {
  maxExpressionLength: 1000,
  maxNodes: 200,
  maxResultElements: 10_000,
  maxResultChars: 10_000,
}
// Room for the large matrices some attacks need, so that the guard under test is the one that answers.
const ROOMY_LIMITS: EvaluatorLimits = {
  maxExpressionLength: 20_000,
  maxNodes: 5000,
  maxResultElements: 10_000,
  maxResultChars: 100,
}

const evaluator = createEvaluator(DEFAULT_LIMITS)
const roomy = createEvaluator(ROOMY_LIMITS)

function assertRefused(run: () => unknown, code: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`)
    assert.equal(error.code, code, error.detail)
    assert.equal(error.status, 422)
    return true
  })
}

function refusal(expression: string, scope?: EvaluationScope): AppError {
  try {
    evaluator.evaluate(expression, scope)
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  assert.fail(`${expression} was evaluated`)
}

const row = (length: number) => `[${Array.from({ length }, (_, index) => index + 1).join(',')}]`
const column = (length: number) => `[${Array.from({ length }, (_, index) => `[${index + 1}]`).join(',')}]`
/** A 100×100 matrix by broadcasting a row against a column: 10 000 elements from 200 literals. */
const SQUARE_100 = `(${row(100)} + ${column(100)})`

describe('createEvaluator', () => {
  it('refuses limits that are not positive integers', () => {
    assert.throws(() => createEvaluator({ ...DEFAULT_LIMITS, maxNodes: 0 }), RangeError)
  })
})

describe('evaluate: values', () => {
  it('computes arithmetic with the usual precedence', () => {
    assert.deepEqual(evaluator.evaluate('1 + 2 * 3 ^ 2 / 9 - -1'), { type: 'number', result: 4 })
  })

  it('calls elementary functions and knows pi, e, tau and phi', () => {
    assert.deepEqual(evaluator.evaluate('sqrt(16) + log(e) + cos(pi) + round(tau / phi, 3)'), {
      type: 'number',
      result: 7.883,
    })
  })

  it('multiplies implicitly, as in 2x', () => {
    assert.deepEqual(evaluator.evaluate('2x', { x: 21 }), { type: 'number', result: 42 })
  })

  it('reads variables from the scope', () => {
    assert.deepEqual(evaluator.evaluate('sqrt(x^2 + y^2)', { x: 3, y: 4 }), { type: 'number', result: 5 })
  })

  it('answers booleans for comparisons and logic', () => {
    assert.deepEqual(evaluator.evaluate('1 < 2 and not (3 == 4)'), { type: 'boolean', result: true })
  })

  it('reads chained comparisons as comparisons joined by and', () => {
    assert.deepEqual(evaluator.evaluate('0 < x <= 1', { x: 1 }), { type: 'boolean', result: true })
    assert.deepEqual(evaluator.evaluate('0 < x <= 1', { x: 2 }), { type: 'boolean', result: false })
  })

  it('chooses a branch with the conditional operator', () => {
    assert.deepEqual(evaluator.evaluate('flag ? 1 : 2', { flag: false }), { type: 'number', result: 2 })
  })

  it('computes 10! exactly', () => {
    assert.deepEqual(evaluator.evaluate('10!'), { type: 'number', result: 3_628_800 })
  })

  it('computes combinations and permutations', () => {
    assert.deepEqual(evaluator.evaluate('combinations(10, 3) + permutations(10, 3)'), {
      type: 'number',
      result: 840,
    })
  })

  it('answers matrices as nested arrays', () => {
    assert.deepEqual(evaluator.evaluate('[1, 2; 3, 4] * [5; 6]'), { type: 'matrix', result: [[17], [39]] })
  })

  it('inverts, transposes and takes determinants', () => {
    assert.deepEqual(evaluator.evaluate('inv([1, 2; 3, 4])'), {
      type: 'matrix',
      result: [
        [-2, 1],
        [1.5, -0.5],
      ],
    })
    assert.deepEqual(evaluator.evaluate("[1, 2; 3, 4]'"), {
      type: 'matrix',
      result: [
        [1, 3],
        [2, 4],
      ],
    })
    assert.deepEqual(evaluator.evaluate('det([1, 2; 3, 4])'), { type: 'number', result: -2 })
  })

  it('counts dimensions from 1, as the expression language does', () => {
    assert.deepEqual(evaluator.evaluate('sum([1, 2; 3, 4], 1)'), { type: 'matrix', result: [4, 6] })
  })

  it('answers element-wise comparisons as matrices of booleans', () => {
    assert.deepEqual(evaluator.evaluate('[1, 2, 3] > 1'), { type: 'matrix', result: [false, true, true] })
  })

  it('answers complex numbers as strings, such as sqrt(-1)', () => {
    assert.deepEqual(evaluator.evaluate('sqrt(-1)'), { type: 'complex', result: 'i' })
    assert.deepEqual(evaluator.evaluate('(1 + 2i) * 2'), { type: 'complex', result: '2 + 4i' })
  })

  it('answers a complex number without imaginary part as a number', () => {
    assert.deepEqual(evaluator.evaluate('i^2'), { type: 'number', result: -1 })
  })

  it('answers a matrix with complex elements as a string', () => {
    assert.deepEqual(evaluator.evaluate('[sqrt(-4), 2]'), { type: 'complex_matrix', result: '[2i, 2]' })
  })

  it('keeps scope variables that shadow a function apart from the function', () => {
    assert.deepEqual(evaluator.evaluate('sin(sin)', { sin: 0 }), { type: 'number', result: 0 })
  })

  it('treats scope names of Object.prototype members as plain variables', () => {
    assert.deepEqual(evaluator.evaluate('constructor * 2', { constructor: 21 }), {
      type: 'number',
      result: 42,
    })
  })

  it('still computes matrix powers and inverses after the dangerous functions are disabled', () => {
    assert.deepEqual(evaluator.evaluate('[2, 0; 0, 1]^10'), {
      type: 'matrix',
      result: [
        [1024, 0],
        [0, 1],
      ],
    })
    assert.deepEqual(evaluator.evaluate('[2, 0; 0, 4]^-1'), {
      type: 'matrix',
      result: [
        [0.5, 0],
        [0, 0.25],
      ],
    })
  })
})

describe('evaluate: results JSON cannot hold', () => {
  for (const expression of ['1/0', '0/0', '1000!', '2^10000', '-(10^400)', '[1, 1/0]', 'i * 1e308 * 10']) {
    it(`answers RESULT_NOT_FINITE for ${expression}`, () => {
      assertRefused(() => evaluator.evaluate(expression), 'RESULT_NOT_FINITE')
    })
  }
})

describe('evaluate: hostile expressions', () => {
  const cases: [expression: string, code: string][] = [
    ["import('fs')", 'EXPRESSION_FORBIDDEN'],
    ['import({}, {override: true})', 'EXPRESSION_FORBIDDEN'],
    ["createUnit('x')", 'EXPRESSION_FORBIDDEN'],
    ["evaluate('1+1')", 'EXPRESSION_FORBIDDEN'],
    ["parse('1')", 'EXPRESSION_FORBIDDEN'],
    ["compile('1')", 'EXPRESSION_FORBIDDEN'],
    ["simplify('x')", 'EXPRESSION_FORBIDDEN'],
    ["derivative('x^2', 'x')", 'EXPRESSION_FORBIDDEN'],
    ["rationalize('1/x')", 'EXPRESSION_FORBIDDEN'],
    ['chain(1)', 'EXPRESSION_FORBIDDEN'],
    ['help(sin)', 'EXPRESSION_FORBIDDEN'],
    ['f(x) = f(x)', 'EXPRESSION_FORBIDDEN'],
    ['f(x) = x; f(2)', 'EXPRESSION_FORBIDDEN'],
    ['a = 1', 'EXPRESSION_FORBIDDEN'],
    ['1:1e9', 'EXPRESSION_FORBIDDEN'],
    ['zeros(1e5, 1e5)', 'EXPRESSION_FORBIDDEN'],
    ['ones(1e4)', 'EXPRESSION_FORBIDDEN'],
    ['identity(1e5)', 'EXPRESSION_FORBIDDEN'],
    ['range(1, 1e9)', 'EXPRESSION_FORBIDDEN'],
    ['random([1e5, 1e5])', 'EXPRESSION_FORBIDDEN'],
    ['map([1, 2], sqrt)', 'EXPRESSION_FORBIDDEN'],
    ['[1, 2, 3][1]', 'EXPRESSION_FORBIDDEN'],
    ['cos.constructor', 'EXPRESSION_FORBIDDEN'],
    ['"a".constructor', 'EXPRESSION_FORBIDDEN'],
    ["cos['constructor']('return process')", 'EXPRESSION_FORBIDDEN'],
    ['{a: 1}', 'EXPRESSION_FORBIDDEN'],
    ['"abc"', 'EXPRESSION_FORBIDDEN'],
    ['null', 'EXPRESSION_FORBIDDEN'],
    ['Infinity', 'EXPRESSION_FORBIDDEN'],
    ['NaN', 'EXPRESSION_FORBIDDEN'],
    ['1e999', 'EXPRESSION_FORBIDDEN'],
    ['version', 'EXPRESSION_FORBIDDEN'],
    ['5 cm to m', 'EXPRESSION_FORBIDDEN'],
    ['x ?? 1', 'EXPRESSION_FORBIDDEN'],
    ['5 cm', 'EXPRESSION_INVALID'],
    ['sin', 'EXPRESSION_INVALID'],
    ['constructor', 'EXPRESSION_INVALID'],
    ['__proto__', 'EXPRESSION_INVALID'],
    ['undefined_symbol + 1', 'EXPRESSION_INVALID'],
    ['(1 + 2', 'EXPRESSION_INVALID'],
    ['1 +', 'EXPRESSION_INVALID'],
    ['', 'EXPRESSION_INVALID'],
    ['# only a comment', 'EXPRESSION_INVALID'],
    ['sqrt([4, 9])', 'EXPRESSION_INVALID'],
    ['[1, 2] * [1, 2, 3]', 'EXPRESSION_INVALID'],
    ['[[2]]^(2^32)', 'EXPRESSION_INVALID'],
    ['combinations(1e17, 2)', 'EXPRESSION_INVALID'],
    ['permutations(1e10, 2)', 'EXPRESSION_INVALID'],
    ['combinations(1e4, 5000)', 'RESULT_NOT_FINITE'],
    ['permutations(1000, 500)', 'RESULT_NOT_FINITE'],
    ['-'.repeat(999) + '1', 'EXPRESSION_TOO_COMPLEX'],
    ['1+'.repeat(600) + '1', 'EXPRESSION_TOO_COMPLEX'],
  ]

  for (const [expression, code] of cases) {
    it(`answers ${code} for ${expression.length > 40 ? `${expression.slice(0, 40)}…` : expression}`, () => {
      assertRefused(() => evaluator.evaluate(expression), code)
    })
  }

  it('names the forbidden function in the detail', () => {
    assert.match(refusal("import('fs')").detail ?? '', /'import'/)
  })

  it('names the forbidden construct in the detail', () => {
    assert.match(refusal('a = 1').detail ?? '', /assignment/)
  })

  it('keeps the mathjs error as the cause and its reason as the detail', () => {
    const error = refusal('(1 + 2')

    assert.match(error.detail ?? '', /Parenthesis \) expected/)
    assert.ok(error.cause instanceof SyntaxError)
  })

  it('refuses 10 000 nested parentheses by length before parsing', () => {
    assertRefused(
      () => evaluator.evaluate(`${'('.repeat(10_000)}1${')'.repeat(10_000)}`),
      'EXPRESSION_TOO_COMPLEX',
    )
  })

  it('refuses 10 000 nested parentheses within the length limit without crashing', () => {
    assertRefused(() => roomy.evaluate(`${'('.repeat(9999)}1${')'.repeat(9999)}`), 'EXPRESSION_TOO_COMPLEX')
  })

  it('answers or refuses parentheses nested just under the length limit, never crashes', () => {
    const depth = (DEFAULT_LIMITS.maxExpressionLength - 1) / 2

    try {
      assert.deepEqual(evaluator.evaluate(`${'('.repeat(depth)}1${')'.repeat(depth)}`), {
        type: 'number',
        result: 1,
      })
    } catch (error) {
      assert.ok(error instanceof AppError)
      assert.equal(error.code, 'EXPRESSION_TOO_COMPLEX')
    }
  })

  it('refuses brackets nested 5000 deep without crashing', () => {
    assertRefused(() => roomy.evaluate(`${'['.repeat(4999)}1${']'.repeat(4999)}`), 'EXPRESSION_TOO_COMPLEX')
  })

  it('refuses a tree with more nodes than allowed', () => {
    assertRefused(
      () => evaluator.evaluate(Array.from({ length: 101 }, () => 'x').join('+'), { x: 1 }),
      'EXPRESSION_TOO_COMPLEX',
    )
  })

  it('refuses an outer product larger than the element limit before computing it', () => {
    assertRefused(() => roomy.evaluate(`${column(101)} * [${row(101)}]`), 'RESULT_TOO_LARGE')
  })

  it('refuses broadcasting into more elements than allowed', () => {
    assertRefused(() => roomy.evaluate(`${row(101)} + ${column(100)}`), 'RESULT_TOO_LARGE')
  })

  it('refuses an array of matrices that together exceed the element limit', () => {
    assertRefused(() => roomy.evaluate(`[${SQUARE_100}, ${SQUARE_100}]`), 'RESULT_TOO_LARGE')
  })

  it('allows a 100×100 matrix, right at the element limit', () => {
    assert.deepEqual(roomy.evaluate(`size(${SQUARE_100})`), { type: 'matrix', result: [100, 100] })
  })

  it('refuses a matrix power that would need more work than allowed', () => {
    assertRefused(() => roomy.evaluate(`${SQUARE_100}^(2^31 - 1)`), 'EXPRESSION_TOO_COMPLEX')
  })

  it('computes a product of two 100×100 matrices within the work allowed', () => {
    assert.deepEqual(roomy.evaluate(`size(${SQUARE_100} * ${SQUARE_100})`), {
      type: 'matrix',
      result: [100, 100],
    })
  })

  it('refuses a chain of products that together need more work than allowed', () => {
    const chain = Array.from({ length: 10 }, () => SQUARE_100).join(' * ')

    assertRefused(() => roomy.evaluate(`size(${chain})`), 'EXPRESSION_TOO_COMPLEX')
  })

  it('refuses a complex result longer than the character limit', () => {
    assertRefused(
      () => roomy.evaluate(`[${Array.from({ length: 30 }, () => '1 + i').join(', ')}]`),
      'RESULT_TOO_LARGE',
    )
  })
})

describe('evaluate: scope', () => {
  const cases: [name: string, scope: unknown][] = [
    ['a name starting with a digit', { '1x': 1 }],
    ['a name with a dash', { 'a-b': 1 }],
    ['a name longer than 64 characters', { ['x'.repeat(65)]: 1 }],
    ['NaN', { x: Number.NaN }],
    ['Infinity', { x: Number.POSITIVE_INFINITY }],
    ['a string', { x: '1' }],
    ['an object', { x: { valueOf: () => 1 } }],
    [
      'more than 32 variables',
      Object.fromEntries(Array.from({ length: 33 }, (_, index) => [`v${index}`, index])),
    ],
    ['the reserved name end', { end: 1 }],
  ]

  for (const [label, scope] of cases) {
    it(`answers EXPRESSION_INVALID for ${label}`, () => {
      assertRefused(() => evaluator.evaluate('1', scope as EvaluationScope), 'EXPRESSION_INVALID')
    })
  }

  it('accepts 32 variables', () => {
    const scope = Object.fromEntries(Array.from({ length: 32 }, (_, index) => [`v${index}`, index]))

    assert.deepEqual(evaluator.evaluate('v31 - v1', scope), { type: 'number', result: 30 })
  })

  it('does not read variables through the scope object prototype', () => {
    const scope = Object.create({ inherited: 1 }) as EvaluationScope

    assertRefused(() => evaluator.evaluate('inherited', scope), 'EXPRESSION_INVALID')
  })
})

describe('evaluate: random input', () => {
  // A small deterministic generator (mulberry32), so that a failure can be replayed.
  function createRandom(seed: number): () => number {
    let state = seed
    return () => {
      state = (state + 0x6d2b79f5) | 0
      let t = Math.imul(state ^ (state >>> 15), 1 | state)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
    }
  }
  const TOKENS = ['1', '2.5', '1e308', 'x', 'i', 'pi', '+', '-', '*', '/', '^', '!', "'", '(', ')', '[', ']']
    .concat([',', ';', ':', '=', '.', '?', '<', '==', 'and', 'sqrt(', 'inv(', 'det(', 'sum(', 'factorial('])
    .concat(['combinations(', 'import(', 'f(x)=', '"s"', '{', '}', 'constructor', ' ', '\n', '#'])

  it('answers a result or an AppError for 2000 random token strings, nothing else', () => {
    const random = createRandom(20_250_101)
    for (let run = 0; run < 2000; run += 1) {
      const length = 1 + Math.floor(random() * 30)
      const expression = Array.from({ length }, () => TOKENS[Math.floor(random() * TOKENS.length)]).join('')
      try {
        const { type } = evaluator.evaluate(expression, { x: 2 })
        assert.ok(['number', 'boolean', 'matrix', 'complex', 'complex_matrix'].includes(type))
      } catch (error) {
        assert.ok(error instanceof AppError, `${JSON.stringify(expression)} threw ${String(error)}`)
        assert.equal(error.status, 422)
      }
    }
  })
})
