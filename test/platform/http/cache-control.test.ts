import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { registerAndLogin } from '../../helpers/accounts.ts'
import { buildTestApp } from '../../helpers/build-app.ts'
import { createPlan } from '../../helpers/plans.ts'
import { cacheControlOf } from '../../../src/platform/http/cache-control.ts'
import { clientErrorResponse } from '../../../src/platform/http/client-errors.ts'

const NO_STORE = 'no-store'
const PRIVATE = 'private, no-cache'

/** A URL that matches the route pattern: parameters filled in, wildcards given a segment. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, '00000000-0000-4000-8000-000000000000').replace(/\*/g, 'x')
}

describe('Cache-Control (issue 8)', () => {
  it('defaults to private revalidation for authenticated reads and no-store for everything else', () => {
    assert.equal(cacheControlOf('GET', {}), PRIVATE)
    assert.equal(cacheControlOf(['GET', 'HEAD'], {}), PRIVATE)
    assert.equal(cacheControlOf('POST', {}), NO_STORE)
    assert.equal(cacheControlOf('DELETE', {}), NO_STORE)
    assert.equal(cacheControlOf('GET', { public: true }), NO_STORE)
    assert.equal(cacheControlOf('GET', { cacheControl: NO_STORE }), NO_STORE)
    assert.equal(
      cacheControlOf('GET', { public: true, cacheControl: 'public, max-age=60' }),
      'public, max-age=60',
    )
  })

  it('never lets tokens, keys, sessions or the account be stored', async (t) => {
    const { app } = await buildTestApp(t)
    const user = await registerAndLogin(app, `c${randomUUID()}@example.com`)

    const responses = {
      login: await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: 'correct horse battery staple' },
      }),
      refresh: await app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refresh_token: user.refreshToken },
      }),
      me: await app.inject({ url: '/api/v1/auth/me', headers: user.headers }),
      sessions: await app.inject({ url: '/api/v1/auth/sessions', headers: user.headers }),
      'new key': await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: user.headers,
        payload: { name: 'k', scopes: ['math:read'] },
      }),
      keys: await app.inject({ url: '/api/v1/api-keys', headers: user.headers }),
      'totp enrolment': await app.inject({
        method: 'POST',
        url: '/api/v1/auth/mfa/totp',
        headers: user.headers,
      }),
      'health/live': await app.inject({ url: '/health/live' }),
      'health/ready': await app.inject({ url: '/health/ready' }),
    }

    for (const [label, response] of Object.entries(responses)) {
      assert.ok(response.statusCode < 300, `${label}: ${response.statusCode} ${response.body}`)
      assert.equal(response.headers['cache-control'], NO_STORE, label)
    }
  })

  it('lets only the caller revalidate other authenticated reads, and anyone keep the public keys a while', async (t) => {
    const { app, anonymous } = await buildTestApp(t)
    const plan = await createPlan(app)

    const read = await app.inject({ url: `/api/v1/plans/${plan.id}` })
    const list = await app.inject({ url: '/api/v1/plans' })
    const math = await app.inject({ url: '/api/v1/math/fibonacci/10' })
    const jwks = await anonymous({ url: '/.well-known/jwks.json' })

    assert.equal(read.statusCode, 200)
    assert.equal(read.headers['cache-control'], PRIVATE)
    assert.ok(read.headers.etag, 'the ETag a private cache revalidates with')
    assert.equal(list.headers['cache-control'], PRIVATE)
    assert.equal(math.headers['cache-control'], PRIVATE)
    assert.equal(jwks.headers['cache-control'], 'public, max-age=300')
  })

  it('sends no-store with every error, even on a route whose answers may be cached', async (t) => {
    const { app, anonymous } = await buildTestApp(t)

    const errors = {
      401: await anonymous({ url: '/api/v1/plans' }),
      '401 bad key': await anonymous({ url: '/api/v1/plans', headers: { 'x-api-key': 'bk_nope' } }),
      404: await app.inject({ url: `/api/v1/plans/${randomUUID()}` }),
      'unknown route': await app.inject({ url: '/api/v1/nothing' }),
      405: await app.inject({ method: 'PUT', url: '/api/v1/plans' }),
      422: await app.inject({ url: '/api/v1/plans?limit=100000' }),
      'public 422': await anonymous({ method: 'POST', url: '/api/v1/auth/login', payload: {} }),
      'malformed url': await app.inject({ url: '/api/v1/plans/%E0%A4%A' }),
    }

    for (const [label, response] of Object.entries(errors)) {
      assert.ok(response.statusCode >= 400, `${label}: ${response.statusCode}`)
      assert.equal(response.headers['cache-control'], NO_STORE, label)
    }
    assert.match(clientErrorResponse('HPE_HEADER_OVERFLOW'), /\r\nCache-Control: no-store\r\n/)
  })

  it('is on every response of every route', async (t) => {
    const { app, anonymous } = await buildTestApp(t, { DOCS_ENABLED: 'true' })
    const routes = app.routeSecurity().filter((route) => route.method !== 'OPTIONS')

    for (const route of routes) {
      const request = {
        method: route.method as 'GET',
        url: concrete(route.url),
        ...(route.method === 'GET' || route.method === 'HEAD' || route.method === 'DELETE'
          ? {}
          : { payload: {} }),
      }
      for (const response of [await app.inject(request), await anonymous(request)]) {
        const label = `${route.method} ${route.url} → ${response.statusCode}`
        assert.ok(response.headers['cache-control'], label)
      }
    }
  })
})
