import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'
import type { App } from '../../../src/app.ts'

/** A URL that matches the route pattern: parameters filled in. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, '00000000-0000-4000-8000-000000000000')
}

function addFailingRoutes(app: App) {
  app.get('/test/boom', { config: { public: true } }, async () => {
    throw new Error('connection to db-7.internal refused: SELECT * FROM secrets')
  })
  app.get('/test/slow', { config: { public: true, handlerTimeoutMs: 50 } }, async () => {
    await sleep(500)
    return { late: true }
  })
}

describe('the error handler', () => {
  it('answers 404 for an unknown route, naming the path', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({ url: '/api/v1/unknown?x=1' })

    const body = assertProblem(response, 404, 'NOT_FOUND')
    assert.equal(body.instance, '/api/v1/unknown')
  })

  it('answers 405 with Allow when the path exists for other methods', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({ method: 'DELETE', url: '/api/v1/math/fibonacci/5' })

    assertProblem(response, 405, 'METHOD_NOT_ALLOWED')
    assert.equal(response.headers.allow, 'GET, HEAD')
  })

  it('answers 405 on every route for a method it lacks, with or without a trailing slash, and Allow lists methods that path really has (issue 8)', async (t) => {
    const { app } = await buildTestApp(t)
    const methodsByUrl = new Map<string, Set<string>>()
    for (const { method, url } of app.routeSecurity()) {
      methodsByUrl.set(url, (methodsByUrl.get(url) ?? new Set()).add(method))
    }

    for (const [url, methods] of methodsByUrl) {
      const missing = ['DELETE', 'PUT', 'PATCH', 'POST', 'GET'].find((method) => !methods.has(method))
      if (missing === undefined || url.includes('*')) continue
      const path = concrete(url)
      const plain = await app.inject({ method: missing as 'GET', url: path })
      const slashed = await app.inject({
        method: missing as 'GET',
        url: path.endsWith('/') ? path : `${path}/`,
      })

      assertProblem(plain, 405, 'METHOD_NOT_ALLOWED')
      assertProblem(slashed, 405, 'METHOD_NOT_ALLOWED')
      assert.equal(slashed.headers.allow, plain.headers.allow, url)
      const allowed = String(plain.headers.allow).split(', ')
      for (const method of methods)
        assert.ok(allowed.includes(method), `${url}: ${method} not in ${allowed.join()}`)
      for (const method of allowed) {
        const response = await app.inject({ method: method as 'GET', url: path })
        // A route answers (a missing resource is PLAN_NOT_FOUND or the like, never the router's codes).
        const isProblem =
          response.body !== '' &&
          String(response.headers['content-type']).startsWith('application/problem+json')
        const code = isProblem ? response.json<{ error_code: string }>().error_code : ''
        assert.ok(!['NOT_FOUND', 'METHOD_NOT_ALLOWED'].includes(code), `${method} ${path}: ${code}`)
      }
    }
  })

  it('routes a path with a trailing slash like the path without one (issue 8)', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({ url: '/api/v1/math/fibonacci/10/' })

    assert.deepEqual(response.json(), { n: 10, value: '55' })
  })

  it('answers router-level errors with the standard body and headers: 400 for a malformed URL, 404 for an over-long segment', async (t) => {
    const { app } = await buildTestApp(t)

    const badUrl = await app.inject({ url: '/api/v1/plans/%zz' })
    const longSegment = await app.inject({ url: `/api/v1/plans/${'a'.repeat(250)}` })

    assertProblem(badUrl, 400, 'BAD_REQUEST')
    assertProblem(longSegment, 404, 'NOT_FOUND')
    for (const response of [badUrl, longSegment]) {
      assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/)
      assert.equal(response.headers['x-content-type-options'], 'nosniff')
    }
  })

  it('answers 400 for malformed JSON', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      headers: { 'content-type': 'application/json' },
      payload: '{"values": [1, 2,',
    })

    assertProblem(response, 400, 'MALFORMED_JSON')
  })

  it('answers 400 for an empty JSON body', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      headers: { 'content-type': 'application/json' },
      payload: '',
    })

    assertProblem(response, 400, 'MALFORMED_JSON')
  })

  it('answers 400 for prototype poisoning attempts', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      headers: { 'content-type': 'application/json' },
      payload: '{"values": [1], "__proto__": {"polluted": true}}',
    })

    assertProblem(response, 400, 'MALFORMED_JSON')
  })

  it('answers 413 for a body over BODY_LIMIT_BYTES', async (t) => {
    const { app } = await buildTestApp(t, { BODY_LIMIT_BYTES: '1024' })

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      payload: { values: Array.from({ length: 500 }, (_, i) => i) },
    })

    assertProblem(response, 413, 'PAYLOAD_TOO_LARGE')
  })

  it('answers 415 for a body that is not JSON', async (t) => {
    const { app } = await buildTestApp(t)

    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/math/evaluate',
        headers: { 'content-type': type },
        payload: 'expression=1',
      })

      assertProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE')
    }
  })

  it('answers 422 naming each invalid field, including unknown ones', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      payload: { values: [1, 'two', 3], quantiles: [2], extra: true },
    })

    const body = assertProblem(response, 422, 'VALIDATION_FAILED')
    const pointers = (body.errors as { pointer: string; location: string }[]).map((error) => error.pointer)
    assert.ok(pointers.includes('/values/1'), pointers.join())
    assert.ok(pointers.includes('/quantiles/0'), pointers.join())
    assert.ok(pointers.includes('/extra'), pointers.join())
    assert.ok((body.errors as { location: string }[]).every((error) => error.location === 'body'))
  })

  it('answers 422 for a missing required field', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({ method: 'POST', url: '/api/v1/math/evaluate', payload: {} })

    const body = assertProblem(response, 422, 'VALIDATION_FAILED')
    assert.deepEqual(body.errors, [{ location: 'body', pointer: '/expression', message: 'is required' }])
  })

  it('answers 422 for invalid path parameters', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({ url: '/api/v1/math/fibonacci/abc' })

    const body = assertProblem(response, 422, 'VALIDATION_FAILED')
    assert.equal((body.errors as { location: string }[])[0]?.location, 'params')
  })

  it('answers 500 without leaking the internal message, and logs the cause with the same error_id', async (t) => {
    const { app, logs } = await buildTestApp(t, {}, addFailingRoutes)

    const response = await app.inject({ url: '/test/boom' })

    const body = assertProblem(response, 500, 'INTERNAL_ERROR')
    assert.ok(!response.body.includes('db-7'))
    assert.ok(!response.body.includes('SELECT'))
    assert.ok(!response.body.includes('at '))
    const line = logs.find((entry) => entry.message === 'unexpected error')
    assert.equal(line?.error_id, body.error_id)
    assert.match(JSON.stringify(line?.error), /db-7\.internal/)
  })

  it('shows the internal message (never the stack) in development', async (t) => {
    const { app } = await buildTestApp(t, { NODE_ENV: 'development', LOG_FORMAT: 'json' }, addFailingRoutes)

    const response = await app.inject({ url: '/test/boom' })

    const body = assertProblem(response, 500, 'INTERNAL_ERROR')
    assert.match(String(body.detail), /db-7/)
    assert.ok(!response.body.includes('.ts:'))
  })

  it('answers 503 HANDLER_TIMEOUT when a route misses its deadline', async (t) => {
    const { app } = await buildTestApp(t, {}, addFailingRoutes)

    const response = await app.inject({ url: '/test/slow' })

    assertProblem(response, 503, 'HANDLER_TIMEOUT')
    assert.equal(response.headers['retry-after'], '1')
  })
})
