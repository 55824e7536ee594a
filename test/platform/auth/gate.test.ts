import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'

/** A URL that matches the route pattern: parameters filled in, wildcards given a segment. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, '00000000-0000-4000-8000-000000000000').replace(/\*/g, 'x')
}

describe('the authentication gate', () => {
  it('answers 401 with WWW-Authenticate on every non-public route without credentials', async (t) => {
    const { app, anonymous } = await buildTestApp(t, { DOCS_PUBLIC: 'false' })
    const routes = app
      .routeSecurity()
      .filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS')
    const guarded = routes.filter((route) => !route.public)
    assert.ok(guarded.length >= 20, `found ${guarded.length} guarded routes`)

    for (const route of guarded) {
      const response = await anonymous({
        method: route.method as 'GET',
        url: concrete(route.url),
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      })
      const label = `${route.method} ${route.url}`
      assert.equal(response.statusCode, 401, `${label}: ${response.body}`)
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="bulwark"', label)
      assert.equal(response.json().error_code, 'AUTHENTICATION_REQUIRED', label)
      // The detail says how to authenticate, not the title again.
      assert.match(
        response.json().detail,
        /Authorization: Bearer <API key or access token>.*X-API-Key: <API key>/,
      )
    }
  })

  it('lists exactly the intended public routes, and logs them at start', async (t) => {
    const { app, logs } = await buildTestApp(t, { DOCS_ENABLED: 'false' })

    const publicRoutes = app
      .routeSecurity()
      .filter((route) => route.public && route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url}`)
      .sort()

    assert.deepEqual(publicRoutes, [
      'GET /', // the index, outside production only
      'GET /.well-known/jwks.json',
      'GET /health/live',
      'GET /health/ready',
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/refresh',
      'POST /api/v1/auth/register',
    ])
    const line = logs.find((entry) => entry.message === 'routes reachable without credentials')
    assert.ok(Array.isArray(line?.public_routes))
    assert.ok((line.public_routes as string[]).includes('GET /health/ready'))
  })

  it('serves the docs without credentials only when DOCS_PUBLIC is set', async (t) => {
    const open = await buildTestApp(t, { DOCS_ENABLED: 'true', DOCS_PUBLIC: 'true' })
    const closed = await buildTestApp(t, { DOCS_ENABLED: 'true', DOCS_PUBLIC: 'false' })

    assert.equal((await open.anonymous({ url: '/openapi.json' })).statusCode, 200)
    assert.equal((await open.anonymous({ url: '/docs/json' })).statusCode, 200)
    assertProblem(await closed.anonymous({ url: '/openapi.json' }), 401, 'AUTHENTICATION_REQUIRED')
    assertProblem(await closed.anonymous({ url: '/docs/json' }), 401, 'AUTHENTICATION_REQUIRED')
    assert.equal((await closed.app.inject({ url: '/openapi.json' })).statusCode, 200)
  })

  it('answers 404, not 401, for unknown URLs', async (t) => {
    const { anonymous } = await buildTestApp(t)

    assertProblem(await anonymous({ url: '/api/v1/nothing-here' }), 404, 'NOT_FOUND')
  })

  it('refuses malformed and unknown credentials with 401 invalid_token, never 500', async (t) => {
    const { anonymous } = await buildTestApp(t)
    const cases: Record<string, string>[] = [
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer a b' },
      { authorization: `Bearer ${'x'.repeat(5000)}` },
      { authorization: 'Bearer bk_nothex_nope' },
      { authorization: `Bearer bk_0123456789abcdef_${'A'.repeat(43)}` },
      { authorization: 'Bearer not.a.jwt' },
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
      { 'x-api-key': 'not-a-key' },
      { 'x-api-key': `bk_0123456789abcdef_${'B'.repeat(43)}` },
    ]

    const details = new Set<string>()
    for (const headers of cases) {
      const response = await anonymous({ url: '/api/v1/math/fibonacci/5', headers })
      assertProblem(response, 401, 'CREDENTIALS_INVALID')
      details.add(response.json<{ detail: string }>().detail)
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="bulwark", error="invalid_token"')
    }
    // One detail for every reason (the body never says which), and it says how to authenticate.
    assert.equal(details.size, 1)
    assert.match([...details][0] ?? '', /^The credentials were not accepted\. .*X-API-Key: <API key>/)
  })

  it('refuses two different credentials in one request', async (t) => {
    const { apiKey, anonymous } = await buildTestApp(t)

    const response = await anonymous({
      url: '/api/v1/math/fibonacci/5',
      headers: { authorization: `Bearer ${apiKey}`, 'x-api-key': `bk_0123456789abcdef_${'C'.repeat(43)}` },
    })

    assertProblem(response, 401, 'CREDENTIALS_INVALID')
  })

  it('accepts an API key as Bearer or X-API-Key', async (t) => {
    const { apiKey, anonymous } = await buildTestApp(t)

    const bearer = await anonymous({
      url: '/api/v1/math/fibonacci/5',
      headers: { authorization: `bearer ${apiKey}` },
    })
    const header = await anonymous({ url: '/api/v1/math/fibonacci/5', headers: { 'x-api-key': apiKey } })

    assert.equal(bearer.statusCode, 200, bearer.body)
    assert.equal(header.statusCode, 200, header.body)
  })

  it('answers 403 PERMISSION_DENIED for a missing scope and records it in the audit log', async (t) => {
    const { app, anonymous, logs } = await buildTestApp(t)
    const { key } = await app.accounts.apiKeys.create('cli', { name: 'math only', scopes: ['math:read'] })

    const read = await anonymous({ url: '/api/v1/plans', headers: { authorization: `Bearer ${key}` } })
    const math = await anonymous({
      url: '/api/v1/math/fibonacci/5',
      headers: { authorization: `Bearer ${key}` },
    })

    assertProblem(read, 403, 'PERMISSION_DENIED')
    assert.equal(math.statusCode, 200)
    const event = logs.find(
      (entry) => (entry.audit as { event?: string } | undefined)?.event === 'auth.permission_denied',
    )
    assert.equal((event?.audit as { reason: string }).reason, 'missing_scope')
  })

  it('locks an IP out with 429 and Retry-After after repeated bad API keys, but not its valid keys', async (t) => {
    const { apiKey, anonymous } = await buildTestApp(t, { AUTH_LOCKOUT_IP_THRESHOLD: '3' })
    const bad = `bk_0123456789abcdef_${'D'.repeat(43)}`

    for (let attempt = 0; attempt < 3; attempt++) {
      assertProblem(
        await anonymous({ url: '/api/v1/math/fibonacci/5', headers: { 'x-api-key': bad } }),
        401,
        'CREDENTIALS_INVALID',
      )
    }
    const locked = await anonymous({ url: '/api/v1/math/fibonacci/5', headers: { 'x-api-key': bad } })
    const good = await anonymous({ url: '/api/v1/math/fibonacci/5', headers: { 'x-api-key': apiKey } })

    assertProblem(locked, 429, 'TOO_MANY_ATTEMPTS')
    assert.equal(locked.headers['retry-after'], '30')
    // One bad actor behind a NAT must not lock out everyone there: the valid key is served.
    assert.equal(good.statusCode, 200, good.body)
  })
})
