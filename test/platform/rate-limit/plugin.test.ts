// Rate limiting in the real app: the policies by caller, the RateLimit fields, 429 RATE_LIMITED with
// Retry-After, the stricter policy of the sensitive routes, exempt probes, and client IPs that only a
// trusted proxy can set.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'

const CHEAP = '/api/v1/math/fibonacci/10'

describe('rate limiting', () => {
  it('counts each API key: the RateLimit fields, then 429 RATE_LIMITED with Retry-After', async (t) => {
    const { app } = await buildTestApp(t, { RATE_LIMIT_PRINCIPAL: '3/1m' })
    const answers = []
    for (let count = 0; count < 4; count++) answers.push(await app.inject(CHEAP))
    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [200, 200, 200, 429],
    )
    assert.equal(answers[0]?.headers['ratelimit-policy'], '"principal";q=3;w=60')
    assert.equal(answers[0]?.headers.ratelimit, '"principal";r=2;t=60')
    assert.equal(answers[2]?.headers.ratelimit, '"principal";r=0;t=60')
    const refused = answers[3]
    assert.ok(refused !== undefined)
    assertProblem(refused, 429, 'RATE_LIMITED')
    assert.equal(refused.headers['retry-after'], '60')
    assert.equal(refused.headers['ratelimit-policy'], '"principal";q=3;w=60')
    assert.equal(refused.headers.ratelimit, '"principal";r=0;t=60')
    assert.equal(refused.headers['cache-control'], 'no-store')

    const metrics = await app.metrics.getSingleMetricAsString('rate_limit_decisions_total')
    assert.match(metrics, /rate_limit_decisions_total\{policy="principal",outcome="allowed"\} 3/)
    assert.match(metrics, /rate_limit_decisions_total\{policy="principal",outcome="limited"\} 1/)
  })

  it('gives another key its own count, and an administrator the admin policy', async (t) => {
    const { app } = await buildTestApp(t, { RATE_LIMIT_PRINCIPAL: '1/1m', RATE_LIMIT_ADMIN: '2/1m' })
    const other = await app.accounts.apiKeys.create('cli', { name: 'other', scopes: ['math:read'] })
    const admin = await app.accounts.apiKeys.create('cli', { name: 'admin', scopes: ['admin'] })
    const withKey = (key: string) => app.inject({ url: CHEAP, headers: { authorization: `Bearer ${key}` } })

    assert.equal((await app.inject(CHEAP)).statusCode, 200)
    assert.equal((await app.inject(CHEAP)).statusCode, 429)
    assert.equal((await withKey(other.key)).statusCode, 200)
    const first = await withKey(admin.key)
    assert.equal(first.statusCode, 200)
    assert.equal(first.headers['ratelimit-policy'], '"admin";q=2;w=60')
    assert.equal((await withKey(admin.key)).statusCode, 200)
    assert.equal((await withKey(admin.key)).statusCode, 429)
  })

  it('counts requests without credentials per client IP', async (t) => {
    const { anonymous } = await buildTestApp(t, { RATE_LIMIT_ANONYMOUS: '2/1m' })
    const from = (remoteAddress: string) => anonymous({ url: '/', remoteAddress })
    assert.equal((await from('192.0.2.1')).statusCode, 200)
    assert.equal((await from('192.0.2.1')).statusCode, 200)
    assertProblem(await from('192.0.2.1'), 429, 'RATE_LIMITED')
    assert.equal((await from('192.0.2.2')).statusCode, 200)
  })

  it('changes no limit for an X-Forwarded-For from a peer that is not a trusted proxy', async (t) => {
    const { anonymous } = await buildTestApp(t, { RATE_LIMIT_ANONYMOUS: '2/1m', TRUST_PROXY: '10.0.0.1' })
    const spoofed = (client: string, remoteAddress: string) =>
      anonymous({ url: '/', remoteAddress, headers: { 'x-forwarded-for': client } })
    // Each request claims another client: from an untrusted peer, all count against the peer.
    assert.equal((await spoofed('198.51.100.1', '192.0.2.9')).statusCode, 200)
    assert.equal((await spoofed('198.51.100.2', '192.0.2.9')).statusCode, 200)
    assert.equal((await spoofed('198.51.100.3', '192.0.2.9')).statusCode, 429)
    // Through the trusted proxy, the forwarded client is the one counted.
    assert.equal((await spoofed('198.51.100.1', '10.0.0.1')).statusCode, 200)
    assert.equal((await spoofed('198.51.100.1', '10.0.0.1')).statusCode, 200)
    assert.equal((await spoofed('198.51.100.1', '10.0.0.1')).statusCode, 429)
    assert.equal((await spoofed('198.51.100.2', '10.0.0.1')).statusCode, 200)
  })

  it('applies the sensitive policy on top of the caller’s own on login, before the body is read', async (t) => {
    const { anonymous } = await buildTestApp(t, { RATE_LIMIT_SENSITIVE: '2/1m' })
    const login = () =>
      anonymous({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '192.0.2.7',
        payload: { email: 'nobody@example.com', password: 'wrong password here' },
      })
    const first = await login()
    assert.equal(first.statusCode, 401, first.body)
    assert.equal(first.headers['ratelimit-policy'], '"anonymous";q=100000;w=60, "sensitive";q=2;w=60')
    assert.equal(first.headers.ratelimit, '"anonymous";r=99999;t=60, "sensitive";r=1;t=60')
    assert.equal((await login()).statusCode, 401)
    const refused = await login()
    assertProblem(refused, 429, 'RATE_LIMITED')
    assert.equal(refused.headers['retry-after'], '60')
    // Other routes from the same client are not held by the sensitive policy.
    assert.equal((await anonymous({ url: '/', remoteAddress: '192.0.2.7' })).statusCode, 200)
  })

  it('never limits the probes', async (t) => {
    const { anonymous } = await buildTestApp(t, { RATE_LIMIT_ANONYMOUS: '1/1m' })
    for (let count = 0; count < 5; count++) {
      const answer = await anonymous({ url: '/health/live' })
      assert.equal(answer.statusCode, 200)
      assert.equal(answer.headers.ratelimit, undefined)
    }
  })

  it('throttles repeated 404s from a client without credentials, but not a valid key from the same IP', async (t) => {
    const { app, anonymous } = await buildTestApp(t, { RATE_LIMIT_FAILURES: '3/1m' })
    const from = (url: string) => anonymous({ url, remoteAddress: '192.0.2.30' })
    for (let count = 0; count < 4; count++)
      assertProblem(await from(`/no/such/${String(count)}`), 404, 'NOT_FOUND')
    // Past the limit: every request of this client is refused, routed or not, before any work.
    const refused = await from('/')
    assertProblem(refused, 429, 'RATE_LIMITED')
    assert.equal(refused.headers['ratelimit-policy'], '"failures";q=3;w=60')
    assert.match(String(refused.headers['retry-after']), /^(59|60)$/)
    // The same address with a valid key is another caller; another address is not blocked.
    const keyed = await app.inject({ url: CHEAP, remoteAddress: '192.0.2.30' })
    assert.equal(keyed.statusCode, 200, keyed.body)
    assert.equal((await anonymous({ url: '/', remoteAddress: '192.0.2.31' })).statusCode, 200)
  })

  it('throttles repeated 401s from a client without valid credentials', async (t) => {
    const { anonymous } = await buildTestApp(t, { RATE_LIMIT_FAILURES: '3/1m' })
    const from = () => anonymous({ url: CHEAP, remoteAddress: '192.0.2.40' })
    for (let count = 0; count < 4; count++) assertProblem(await from(), 401, 'AUTHENTICATION_REQUIRED')
    assertProblem(await from(), 429, 'RATE_LIMITED')
  })

  it('does not count rejected credentials against their IP, whose clients without credentials stay served', async (t) => {
    const { anonymous } = await buildTestApp(t, { RATE_LIMIT_FAILURES: '3/1m' })
    const badKey = `bk_${'0'.repeat(16)}_${'A'.repeat(43)}`
    for (let count = 0; count < 4; count++) {
      const answer = await anonymous({
        url: CHEAP,
        remoteAddress: '192.0.2.50',
        headers: { 'x-api-key': badKey },
      })
      assertProblem(answer, 401, 'CREDENTIALS_INVALID')
    }
    assert.equal((await anonymous({ url: '/', remoteAddress: '192.0.2.50' })).statusCode, 200)
  })

  it('throttles a key that enumerates ids: after its 404s, every request of that key is refused', async (t) => {
    const { app } = await buildTestApp(t, { RATE_LIMIT_FAILURES: '3/1m' })
    const other = await app.accounts.apiKeys.create('cli', { name: 'other', scopes: ['plans:read'] })
    for (let count = 0; count < 4; count++) {
      const missing = await app.inject({
        url: `/api/v1/plans/00000000-0000-4000-8000-00000000000${String(count)}`,
      })
      assert.equal(missing.statusCode, 404, missing.body)
    }
    assertProblem(await app.inject(CHEAP), 429, 'RATE_LIMITED')
    const unaffected = await app.inject({
      url: '/api/v1/plans',
      headers: { authorization: `Bearer ${other.key}` },
    })
    assert.equal(unaffected.statusCode, 200, unaffected.body)
  })
})
