// Issue 12: rate limits on Redis. Two instances on one Redis admit no more than the limit between them;
// a Redis that dies or freezes mid-load fails no request (the limits fall back to this machine's, never to
// none) and the Redis-backed limits resume by themselves when it is back.
import assert from 'node:assert/strict'
import { Agent, get } from 'node:http'
import { describe, it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedisServer } from '../helpers/redis-server.ts'
import { createTestRedisNamespace } from '../helpers/redis.ts'
import { startServer, type ServerProcess } from '../helpers/server-process.ts'
import { startSteadyLoad } from '../helpers/steady-load.ts'

/** A public route: requests without credentials count against the client IP, 127.0.0.1 for all of them. */
const PUBLIC = '/'
const DEGRADED = 'redis:rate_limits'

function statusesOf(t: TestContext, baseUrl: string, count: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  t.after(() => agent.destroy())
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const request = get(`${baseUrl}${PUBLIC}`, { agent, timeout: 10_000 }, (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      })
      request.on('timeout', () => request.destroy(new Error('no answer in 10 s')))
      request.on('error', reject)
    })
  return Promise.all(Array.from({ length: count }, one))
}

async function adminOf(server: ServerProcess): Promise<string> {
  const line = await server.waitForLog((entry) => entry.message === 'admin listening')
  return `http://127.0.0.1:${String(line.port)}`
}

/** The degraded gauge of a dependency; undefined before it was ever degraded or recovered. */
async function degraded(admin: string, dependency = DEGRADED): Promise<string | undefined> {
  const text = await (await fetch(`${admin}/metrics`, { signal: AbortSignal.timeout(5000) })).text()
  return new RegExp(`^dependency_degraded\\{dependency="${dependency}"\\} (\\d)$`, 'm').exec(text)?.[1]
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const began = performance.now()
  while (performance.now() - began < timeoutMs) {
    if (await check().catch(() => false)) return
    await sleep(50)
  }
  throw new Error(`not within ${String(timeoutMs)} ms: ${what}`)
}

describe('rate limits on Redis (issue 12)', { timeout: 180_000 }, () => {
  it('two instances on one Redis admit exactly the limit between them, at high concurrency', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const env = { ...namespace.env, RATE_LIMIT_ANONYMOUS: '50/1m' }
    const [first, second] = await Promise.all([startServer(t, env), startServer(t, env)])
    assert.ok(first !== undefined && second !== undefined)
    await Promise.all(
      [first, second].map((server) => server.waitForLog((line) => line.message === 'listening')),
    )
    const [a, b] = await Promise.all([statusesOf(t, first.baseUrl, 100), statusesOf(t, second.baseUrl, 100)])
    const admitted = (statuses: number[]) => statuses.filter((status) => status === 200).length
    const limited = (statuses: number[]) => statuses.filter((status) => status === 429).length
    t.diagnostic(`admitted ${String(admitted(a))} by A and ${String(admitted(b))} by B`)
    assert.equal(admitted(a) + admitted(b), 50)
    assert.equal(limited(a) + limited(b), 150)
    // The log is Redis's: one sorted set for the client, under the namespace's prefix.
    const keys = await namespace.redis.keys(`${namespace.keyPrefix}rl:*`)
    assert.deepEqual(keys, [`${namespace.keyPrefix}rl:anonymous:ip:127.0.0.1`])
  })

  it('fails no request when Redis dies mid-load, limits locally meanwhile, and resumes on Redis', async (t) => {
    const redis = await startRedisServer(t)
    const server = await startServer(t, { REDIS_URL: redis.url, RATE_LIMIT_ANONYMOUS: '100000/1m' })
    const admin = await adminOf(server)
    await until(async () => (await degraded(admin, 'redis')) === '0', 10_000, 'Redis connected')
    const load = startSteadyLoad({
      url: `${server.baseUrl}${PUBLIC}`,
      clients: 8,
      ratePerSecond: 400,
      maxMs: 60_000,
    })
    await load.waitForAnswers(400)

    await redis.kill()
    await until(async () => (await degraded(admin)) === '1', 10_000, 'rate limits degraded')
    await load.waitForAnswers(400)
    await redis.restart()
    await until(async () => (await degraded(admin)) === '0', 15_000, 'rate limits back on Redis')
    await load.waitForAnswers(400)
    const tally = await load.stop()
    t.diagnostic(
      `ok ${String(tally.ok)}, failed ${String(tally.failures.length)}, ${String(tally.rate)} req/s`,
    )
    assert.deepEqual(tally.failures, [])
    const entered = server.logs.filter(
      (line) => line.message === 'dependency degraded' && line.dependency === DEGRADED,
    )
    assert.equal(entered.length, 1, 'entering the fallback is logged once')
  })

  it('falls back to a local limit, not to none, and waits at most the command timeout on a frozen Redis', async (t) => {
    const redis = await startRedisServer(t)
    const server = await startServer(t, {
      REDIS_URL: redis.url,
      RATE_LIMIT_ANONYMOUS: '20/1m',
      REDIS_COMMAND_TIMEOUT_MS: '250',
    })
    const admin = await adminOf(server)
    await until(async () => (await degraded(admin, 'redis')) === '0', 10_000, 'Redis connected')

    redis.pause()
    const began = performance.now()
    const frozen = await statusesOf(t, server.baseUrl, 30)
    const tookMs = performance.now() - began
    redis.resume()
    t.diagnostic(`30 requests against a frozen Redis in ${String(Math.round(tookMs))} ms`)
    // Decided locally (one instance: the whole limit), never unlimited and never a 5xx.
    assert.equal(frozen.filter((status) => status === 200).length, 20)
    assert.equal(frozen.filter((status) => status === 429).length, 10)
    assert.ok(tookMs < 5000, `${String(tookMs)} ms`)
    // Thawed, the client reconnects, and the next request is decided on Redis again.
    await until(
      async () => {
        await statusesOf(t, server.baseUrl, 1)
        return (await degraded(admin)) === '0'
      },
      15_000,
      'back on Redis after SIGCONT',
    )
  })
})
