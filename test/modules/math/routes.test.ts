import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'

describe('POST /api/v1/math/evaluate', () => {
  it('evaluates an expression with a scope', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/evaluate',
      payload: { expression: '2 * x + sin(pi / 2)', scope: { x: 20 } },
    })

    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { result: 41, type: 'number' })
  })

  it('returns matrices as nested arrays', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/evaluate',
      payload: { expression: 'transpose([[1, 2], [3, 4]])' },
    })

    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json().result, [
      [1, 3],
      [2, 4],
    ])
  })

  const hostile = [
    'import({}, {override: true})',
    'createUnit("foo")',
    'evaluate("1 + 1")',
    'parse("1")',
    'simplify("x + x")',
    'derivative("x^2", "x")',
    'f(x) = f(x)',
    'a = 1',
    '1:100000000',
    'zeros(100000, 100000)',
    'cos.constructor("return process")()',
    '"".constructor',
    '(',
    'unknownFunction(1)',
    '1 / 0',
  ]
  for (const expression of hostile) {
    it(`answers 422 with the reason, never 500, for ${JSON.stringify(expression)}`, async (t) => {
      const { app } = await buildTestApp(t)

      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/math/evaluate',
        payload: { expression },
      })

      const body = assertProblem(response, 422, String(response.json().error_code))
      assert.match(String(body.error_code), /^(EXPRESSION_|RESULT_)/)
      assert.ok(String(body.detail).length > 0)
    })
  }

  it('answers 422 for an expression over MATH_EXPRESSION_MAX_LENGTH and for too many nodes', async (t) => {
    const { app } = await buildTestApp(t, {
      MATH_EXPRESSION_MAX_LENGTH: '50',
      MATH_EXPRESSION_MAX_NODES: '10',
    })

    const tooLong = await app.inject({
      method: 'POST',
      url: '/api/v1/math/evaluate',
      payload: { expression: '1+'.repeat(30) + '1' },
    })
    const tooComplex = await app.inject({
      method: 'POST',
      url: '/api/v1/math/evaluate',
      payload: { expression: '1+1+1+1+1+1+1+1+1+1+1' },
    })

    assertProblem(tooLong, 422, 'VALIDATION_FAILED')
    assertProblem(tooComplex, 422, 'EXPRESSION_TOO_COMPLEX')
  })

  it('answers 422 for unknown fields and bad scope names', async (t) => {
    const { app } = await buildTestApp(t)

    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/math/evaluate',
      payload: { expression: '1', precision: 3 },
    })
    const badScope = await app.inject({
      method: 'POST',
      url: '/api/v1/math/evaluate',
      payload: { expression: 'x', scope: { 'constructor.prototype': 1 } },
    })

    assertProblem(unknown, 422, 'VALIDATION_FAILED')
    assertProblem(badScope, 422, 'VALIDATION_FAILED')
  })

  it('does not coerce body types: a numeric string is not a number', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      payload: { values: ['1', '2'] },
    })

    assertProblem(response, 422, 'VALIDATION_FAILED')
  })
})

describe('POST /api/v1/math/statistics', () => {
  it('describes the values', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      payload: { values: [2, 4, 4, 4, 5, 5, 7, 9], quantiles: [0.5] },
    })

    assert.equal(response.statusCode, 200)
    const body = response.json()
    assert.equal(body.count, 8)
    assert.equal(body.sum, 40)
    assert.equal(body.mean, 5)
    assert.equal(body.median, 4.5)
    assert.deepEqual(body.modes, [4])
    assert.equal(body.variance_population, 4)
    assert.equal(body.stddev_population, 2)
    assert.equal(body.min, 2)
    assert.equal(body.max, 9)
    assert.deepEqual(body.quantiles, [{ q: 0.5, value: 4.5 }])
  })

  it('answers null for the sample variance and deviation of a single value', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      payload: { values: [3] },
    })

    assert.equal(response.statusCode, 200)
    assert.equal(response.json().variance_sample, null)
    assert.equal(response.json().stddev_sample, null)
    assert.equal(response.json().variance_population, 0)
  })

  it('answers 422 for an empty list, too many values, quantiles outside [0, 1] and non-finite numbers', async (t) => {
    const { app } = await buildTestApp(t, { MATH_STATISTICS_MAX_VALUES: '10' })
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/math/statistics',
        headers: { 'content-type': 'application/json' },
        payload,
      })

    assertProblem(await post('{"values": []}'), 422, 'VALIDATION_FAILED')
    assertProblem(
      await post(JSON.stringify({ values: Array.from({ length: 11 }, () => 1) })),
      422,
      'VALIDATION_FAILED',
    )
    assertProblem(await post('{"values": [1], "quantiles": [1.5]}'), 422, 'VALIDATION_FAILED')
    // JSON has no Infinity, but 1e999 parses to it.
    const infinite = assertProblem(await post('{"values": [1, 1e999]}'), 422, 'VALIDATION_FAILED')
    assert.equal((infinite.errors as { pointer: string }[])[0]?.pointer, '/values/1')
  })
})

describe('GET /api/v1/math/fibonacci/:n', () => {
  it('returns the exact value as a decimal string', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({ url: '/api/v1/math/fibonacci/100' })

    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { n: 100, value: '354224848179261915075' })
  })

  it('answers 422 above MATH_FIBONACCI_MAX_N and for negative or fractional n', async (t) => {
    const { app } = await buildTestApp(t, { MATH_FIBONACCI_MAX_N: '1000' })

    for (const n of ['1001', '-1', '2.5', '1e3x']) {
      const response = await app.inject({ url: `/api/v1/math/fibonacci/${n}` })

      assertProblem(response, 422, 'VALIDATION_FAILED')
    }
  })
})
