// Issue 12: a lock-out and a revocation made through instance A are enforced by instance B. Two server
// processes (separate ports) share one PostgreSQL database (so they share accounts and keys) and one
// Redis namespace: the lock-out counters are one Redis record, so B refuses at its very next request; a
// revocation reaches B's credential caches over pub/sub, well inside the 1 s bound that holds without it.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it, type TestContext } from 'node:test'
import { emptyDatabase } from '../helpers/database.ts'
import { startRedisServer } from '../helpers/redis-server.ts'
import { createTestRedisNamespace } from '../helpers/redis.ts'
import { bearer, startServer, type ServerProcess } from '../helpers/server-process.ts'

/** Shared by both instances: API-key digests and (outside production) the token signing key derive from it. */
const SECRET_KEY = 'e2e-shared-state-secret-7d41c9a0b2e54f8a'
const PASSWORD = 'correct horse battery staple'
/** Without Redis a revocation holds on every instance within the credential cache's TTL. */
const BOUND_WITHOUT_REDIS_MS = 1000
/** With pub/sub it is delivery time; this much leaves room for a loaded 2-core machine. */
const BOUND_WITH_REDIS_MS = 300
/** A route whose answer depends on nothing but the credential (no database read of the caller's own). */
const MATH = '/api/v1/math/fibonacci/7'

interface Reply {
  status: number
  body: Record<string, unknown>
  headers: Headers
}

async function call(
  server: ServerProcess,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Reply> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await response.text()
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    headers: response.headers,
  }
}

/** A then B on one database and one Redis namespace; A (started first) prints the first admin key. */
async function startPair(t: TestContext, env: Record<string, string> = {}) {
  const [url, namespace] = await Promise.all([emptyDatabase(t), createTestRedisNamespace(t)])
  const shared = { ...namespace.env, DATABASE_URL: url, DB_SSL: 'disable', SECRET_KEY, ...env }
  const a = await startServer(t, shared)
  const adminKey = await a.adminKey()
  const b = await startServer(t, shared)
  return { a, b, adminKey: bearer(adminKey) }
}

/**
 * Calls `request` on B until it answers `status`; returns how long that took after `since`, failing past
 * the no-Redis bound twice over.
 */
async function untilRefused(request: () => Promise<Reply>, status: number, since: number): Promise<number> {
  for (;;) {
    const reply = await request()
    const elapsed = performance.now() - since
    if (reply.status === status) return elapsed
    assert.equal(reply.status, 200, JSON.stringify(reply.body))
    if (elapsed > 2 * BOUND_WITHOUT_REDIS_MS) throw new Error(`still admitted after ${elapsed.toFixed(0)} ms`)
    await sleep(5)
  }
}

describe('lock-outs and revocations across instances on one Redis (issue 12)', { timeout: 120_000 }, () => {
  it('enforces on B, at its next request, a lock-out earned through A (account and client IP)', async (t) => {
    const { a, b, adminKey } = await startPair(t, {
      AUTH_LOCKOUT_THRESHOLD: '3',
      AUTH_LOCKOUT_IP_THRESHOLD: '3',
    })
    const email = 'locked@example.com'
    assert.equal(
      (await call(a, 'POST', '/api/v1/auth/register', {}, { email, password: PASSWORD })).status,
      202,
    )
    assert.equal((await call(b, 'POST', '/api/v1/auth/login', {}, { email, password: PASSWORD })).status, 200)

    const failures = []
    for (let attempt = 0; attempt < 3; attempt++) {
      failures.push(
        (await call(a, 'POST', '/api/v1/auth/login', {}, { email, password: 'wrong password!' })).status,
      )
    }
    const onB = await call(b, 'POST', '/api/v1/auth/login', {}, { email, password: PASSWORD })

    assert.deepEqual(failures, [401, 401, 401])
    assert.equal(onB.status, 429, 'the right password is refused on B while the account is locked')
    assert.equal(onB.body.error_code, 'TOO_MANY_ATTEMPTS')
    assert.ok(Number(onB.headers.get('retry-after')) > 0)

    // Bad API keys from this address through A lock the address out on B: its bad keys get 429 there,
    // and a valid key from it is still admitted.
    const bad = bearer(`bk_${'0'.repeat(16)}_${'A'.repeat(43)}`)
    for (let attempt = 0; attempt < 3; attempt++) {
      assert.equal((await call(a, 'GET', '/api/v1/math/fibonacci/7', bad)).status, 401)
    }
    const badOnB = await call(b, 'GET', '/api/v1/math/fibonacci/7', bad)
    assert.equal(badOnB.status, 429)
    assert.equal(badOnB.body.error_code, 'TOO_MANY_ATTEMPTS')
    assert.equal((await call(b, 'GET', '/api/v1/math/fibonacci/7', adminKey)).status, 200)
  })

  it('refuses on B an API key revoked and an access token logged out through A, well within the 1 s bound', async (t) => {
    const { a, b, adminKey } = await startPair(t)
    const created = await call(a, 'POST', '/api/v1/api-keys', adminKey, {
      name: 'revoked',
      scopes: ['math:read'],
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const key = bearer(String(created.body.key))
    const keyId = (created.body.api_key as { id: string }).id
    const email = 'leaving@example.com'
    assert.equal(
      (await call(a, 'POST', '/api/v1/auth/register', {}, { email, password: PASSWORD })).status,
      202,
    )
    const login = await call(a, 'POST', '/api/v1/auth/login', {}, { email, password: PASSWORD })
    const token = bearer(String(login.body.access_token))

    // B has verified both just now: without an invalidation, its cache would admit them for up to 1 s.
    assert.equal((await call(b, 'GET', MATH, key)).status, 200)
    assert.equal((await call(b, 'GET', MATH, token)).status, 200)
    assert.equal((await call(a, 'DELETE', `/api/v1/api-keys/${keyId}`, adminKey)).status, 200)
    const keyRevoked = performance.now()
    const keyMs = await untilRefused(() => call(b, 'GET', MATH, key), 401, keyRevoked)

    // Past the TTL of B's first check of the token, so that this one fills its cache afresh.
    await sleep(BOUND_WITHOUT_REDIS_MS + 100)
    assert.equal((await call(b, 'GET', MATH, token)).status, 200)
    assert.equal((await call(a, 'POST', '/api/v1/auth/logout', token)).status, 204)
    const loggedOut = performance.now()
    const tokenMs = await untilRefused(() => call(b, 'GET', MATH, token), 401, loggedOut)

    t.diagnostic(
      `B refused the revoked key ${keyMs.toFixed(1)} ms and the logged-out token ${tokenMs.toFixed(1)} ms after A answered`,
    )
    assert.ok(keyMs < BOUND_WITH_REDIS_MS, `key refused after ${keyMs.toFixed(0)} ms`)
    assert.ok(tokenMs < BOUND_WITH_REDIS_MS, `token refused after ${tokenMs.toFixed(0)} ms`)
  })

  it('falls back to the database, never to accepting, while Redis is down: B refuses within the 1 s bound', async (t) => {
    const redis = await startRedisServer(t)
    const { a, b, adminKey } = await startPair(t, { REDIS_URL: redis.url })
    const created = await call(a, 'POST', '/api/v1/api-keys', adminKey, {
      name: 'revoked',
      scopes: ['math:read'],
    })
    const key = bearer(String(created.body.key))
    const keyId = (created.body.api_key as { id: string }).id

    await redis.kill()
    await b.waitForLog(
      (line) => line.message === 'dependency degraded' && line.dependency === 'redis:invalidations',
    )
    assert.equal((await call(b, 'GET', MATH, key)).status, 200)
    assert.equal((await call(a, 'DELETE', `/api/v1/api-keys/${keyId}`, adminKey)).status, 200)
    const revoked = performance.now()
    const keyMs = await untilRefused(() => call(b, 'GET', MATH, key), 401, revoked)

    t.diagnostic(`without Redis, B refused the revoked key ${keyMs.toFixed(1)} ms after A answered`)
    // The cache entry B filled before the revocation lives 1 s at most; then B reads the database.
    assert.ok(keyMs <= BOUND_WITHOUT_REDIS_MS + 100, `key refused after ${keyMs.toFixed(0)} ms`)
  })
})
