// Issue 12: the cache service on real processes. A plan changed through one instance is never read stale
// through another on the same Redis, nor through another worker of the same machine without Redis (the
// primary relays the invalidation), although both would keep it for a minute; an evaluation made on one
// instance is answered from Redis on the other; the detailed health reports each cache.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, it, type TestContext } from 'node:test'
import { emptyDatabase } from '../helpers/database.ts'
import { createTestRedisNamespace } from '../helpers/redis.ts'
import { bearer, startServer, type ServerProcess } from '../helpers/server-process.ts'

const SECRET_KEY = 'e2e-caching-secret-5b0e2f9c81d34a7f'
/** Long enough that a missed invalidation would be seen: every read below follows a change at once. */
const LONG_TTL = { CACHE_PLANS_TTL_MS: '60000', CACHE_MATH_TTL_MS: '60000' }

interface Reply {
  status: number
  body: Record<string, unknown>
}

async function call(
  base: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...bearer(key),
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }
}

async function adminUrl(server: ServerProcess): Promise<string> {
  const line = await server.waitForLog((entry) => entry.message === 'admin listening')
  return `http://127.0.0.1:${String(line.port)}`
}

/** The caches' statistics of every worker, from the detailed health on the admin port. */
async function cacheStats(server: ServerProcess): Promise<Record<string, Record<string, number>>[]> {
  const response = await fetch(`${await adminUrl(server)}/health`, { signal: AbortSignal.timeout(5000) })
  const health = (await response.json()) as {
    workers: { health: { caches: Record<string, Record<string, number>> } }[]
  }
  return health.workers.map((worker) => worker.health.caches)
}

async function createPlan(base: string, key: string): Promise<{ id: string; version: number }> {
  const created = await call(base, key, 'POST', '/api/v1/plans', {
    title: 'cached',
    start_date: '2026-12-01',
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  return { id: created.body.id as string, version: created.body.version as number }
}

async function rename(base: string, key: string, id: string, version: number, title: string) {
  const patched = await call(
    base,
    key,
    'PATCH',
    `/api/v1/plans/${id}`,
    { title },
    { 'if-match': `"${String(version)}"` },
  )
  assert.equal(patched.status, 200, JSON.stringify(patched.body))
  return patched.body.version as number
}

describe('caching across processes (issue 12)', { timeout: 120_000 }, () => {
  it('never reads a changed plan stale through another instance on the same Redis', async (t: TestContext) => {
    const [url, namespace] = await Promise.all([emptyDatabase(t), createTestRedisNamespace(t)])
    const env = { ...namespace.env, DATABASE_URL: url, DB_SSL: 'disable', SECRET_KEY, ...LONG_TTL }
    const a = await startServer(t, env)
    const key = await a.adminKey()
    const b = await startServer(t, env)
    const plan = await createPlan(a.baseUrl, key)

    let version = plan.version
    for (let round = 1; round <= 5; round++) {
      // B caches the current version (in the process and in Redis), then A changes it.
      const before = await call(b.baseUrl, key, 'GET', `/api/v1/plans/${plan.id}`)
      assert.equal(before.body.version, version)
      assert.equal((await call(b.baseUrl, key, 'GET', `/api/v1/plans/${plan.id}`)).body.version, version)
      version = await rename(a.baseUrl, key, plan.id, version, `round ${String(round)}`)
      const after = await call(b.baseUrl, key, 'GET', `/api/v1/plans/${plan.id}`)
      assert.equal(after.body.version, version, `round ${String(round)}: B read the plan as it was`)
      assert.equal(after.body.title, `round ${String(round)}`)
    }
    const [stats] = await cacheStats(b)
    t.diagnostic(`B's plans cache: ${JSON.stringify(stats?.plans)}`)
    assert.ok((stats?.plans?.hits ?? 0) >= 5, 'B answered repeated reads from its cache')

    // An evaluation computed on A is answered from Redis on B.
    const expression = { expression: 'det([[1, 2], [3, 4]]) + x', scope: { x: 3 } }
    const first = await call(a.baseUrl, key, 'POST', '/api/v1/math/evaluate', expression)
    assert.equal(first.status, 200, JSON.stringify(first.body))
    const second = await call(b.baseUrl, key, 'POST', '/api/v1/math/evaluate', expression)
    assert.deepEqual(second.body, first.body)
    const [afterMath] = await cacheStats(b)
    assert.equal(afterMath?.math?.l2Hits, 1, JSON.stringify(afterMath?.math))
  })

  it('never reads a changed plan stale through another worker of the same machine without Redis', async (t: TestContext) => {
    const url = await emptyDatabase(t)
    const server = await startServer(t, {
      DATABASE_URL: url,
      DB_SSL: 'disable',
      SECRET_KEY,
      WORKERS: '2',
      ...LONG_TTL,
    })
    const key = await server.adminKey()
    const plan = await createPlan(server.baseUrl, key)
    // A new connection per request: the cluster hands connections to the workers in turn.
    const read = () =>
      new Promise<Reply>((resolve, reject) => {
        const sent = request(
          `${server.baseUrl}/api/v1/plans/${plan.id}`,
          { agent: false, headers: bearer(key), timeout: 10_000 },
          (response) => {
            let text = ''
            response.setEncoding('utf8')
            response.on('data', (chunk: string) => (text += chunk))
            response.on('end', () => {
              resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> })
            })
          },
        )
        sent.on('timeout', () => sent.destroy(new Error('no answer in 10 s')))
        sent.on('error', reject)
        sent.end()
      })

    let version = plan.version
    for (let round = 1; round <= 3; round++) {
      for (let index = 0; index < 6; index++) assert.equal((await read()).body.version, version)
      version = await rename(server.baseUrl, key, plan.id, version, `round ${String(round)}`)
      for (let index = 0; index < 6; index++) {
        assert.equal(
          (await read()).body.version,
          version,
          `round ${String(round)}, read ${String(index)}: stale`,
        )
      }
    }
    const stats = await cacheStats(server)
    t.diagnostic(`plans cache per worker: ${JSON.stringify(stats.map((caches) => caches.plans))}`)
    assert.equal(stats.length, 2)
    assert.ok(
      stats.every((caches) => (caches.plans?.hits ?? 0) > 0),
      'both workers served reads from their cache',
    )
  })
})
