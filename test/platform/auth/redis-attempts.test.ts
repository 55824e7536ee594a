// Issue 12: lock-out counters on Redis. The Redis store keeps the memory store's rules (threshold, window,
// doubling lock-outs, decay) for every instance at once; when Redis fails, the shared store decides on
// this process's memory with stricter thresholds, never throwing, with one log line each way and the
// dependency_degraded{dependency="redis:lockouts"} gauge.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it, type TestContext } from 'node:test'
import type { LockoutPolicy } from '../../../src/platform/auth/attempts.ts'
import { createRedisAttemptStore } from '../../../src/platform/auth/redis-attempts.ts'
import { createSharedAttempts, fallbackThreshold } from '../../../src/platform/auth/shared-attempts.ts'
import type { DegradationTracker } from '../../../src/platform/health/degraded.ts'
import type { RedisClient } from '../../../src/platform/redis/client.ts'
import { openRecordedRedisClient } from '../../helpers/redis-client.ts'
import { startRedisServer } from '../../helpers/redis-server.ts'
import { createTestRedisNamespace } from '../../helpers/redis.ts'

const POLICY: LockoutPolicy = { threshold: 3, windowMs: 60_000, baseLockMs: 100, maxLockMs: 400 }
/** Threshold 4 (2 locally), and lock-outs long enough to outlast a Redis restart. */
const LONG_LOCKS: LockoutPolicy = { threshold: 4, windowMs: 60_000, baseLockMs: 5000, maxLockMs: 5000 }
const DEPENDENCY = 'redis:lockouts'
const COMMAND_TIMEOUT_MS = 250

async function readyClient(t: TestContext, url: string, overrides: Record<string, string> = {}) {
  const opened = openRecordedRedisClient(t, url, overrides)
  await waitUntil('Redis ready', () => opened.client.isReady())
  return opened
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`)
    await sleep(20)
  }
}

async function failTimes(store: { recordFailure(key: string): Promise<number> }, key: string, times: number) {
  let lock = 0
  for (let failure = 0; failure < times; failure++) lock = await store.recordFailure(key)
  return lock
}

describe('Redis attempt store', { timeout: 60_000 }, () => {
  async function storeOn(t: TestContext, policy = POLICY) {
    const namespace = await createTestRedisNamespace(t)
    const { client } = await readyClient(t, namespace.url, { REDIS_KEY_PREFIX: namespace.keyPrefix })
    return { namespace, client, store: createRedisAttemptStore(client, 'login_account', policy) }
  }

  it('locks after the threshold, and each further lock-out doubles up to the maximum', async (t) => {
    const { store } = await storeOn(t)

    const locks = []
    for (let round = 0; round < 4; round++) locks.push(await failTimes(store, 'k', 3))

    assert.deepEqual(locks, [100, 200, 400, 400])
    const locked = await store.lockedFor('k')
    assert.ok(locked > 0 && locked <= 400, `locked for ${locked} ms`)
  })

  it('does not lock below the threshold, and a lock-out ends when its time is up', async (t) => {
    const { store } = await storeOn(t)

    assert.equal(await failTimes(store, 'k', 2), 0)
    assert.equal(await store.lockedFor('k'), 0)
    assert.equal(await store.recordFailure('k'), 100)
    await sleep(120)

    assert.equal(await store.lockedFor('k'), 0)
  })

  it('forgets failures older than the window', async (t) => {
    const { store } = await storeOn(t, { ...POLICY, windowMs: 200 })

    await failTimes(store, 'k', 2)
    await sleep(250)

    assert.equal(await store.recordFailure('k'), 0, 'a new window began')
    assert.equal(await store.recordFailure('k'), 0)
    assert.equal(await store.recordFailure('k'), 100)
  })

  it('reset clears the failures and the lock-out, not the history that makes the next one longer', async (t) => {
    const { store } = await storeOn(t)
    await failTimes(store, 'k', 3)

    await store.reset('k')

    assert.equal(await store.lockedFor('k'), 0)
    assert.equal(await failTimes(store, 'k', 2), 0)
    assert.equal(await store.recordFailure('k'), 200)
  })

  it('stores digests of the keys under the prefix, each expiring after the decay period', async (t) => {
    const { store, namespace } = await storeOn(t)

    await store.recordFailure('login:account:someone@example.com')

    const keys = await namespace.redis.keys(`${namespace.keyPrefix}*`)
    assert.equal(keys.length, 1)
    assert.match(keys[0] ?? '', /^test:[0-9a-f]+:attempts:login_account:[A-Za-z0-9_-]{43}$/)
    const ttl = await namespace.redis.pttl(keys[0] ?? '')
    assert.ok(ttl > 1000 && ttl <= 4 * POLICY.maxLockMs, `PTTL ${ttl}`)
  })

  it('counts the failures of every instance against one record', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const env = { REDIS_KEY_PREFIX: namespace.keyPrefix }
    const [a, b] = await Promise.all([readyClient(t, namespace.url, env), readyClient(t, namespace.url, env)])
    const onA = createRedisAttemptStore(a.client, 'login_ip', POLICY)
    const onB = createRedisAttemptStore(b.client, 'login_ip', POLICY)

    await failTimes(onA, 'k', 2)
    const lock = await onB.recordFailure('k')

    assert.equal(lock, 100)
    assert.ok((await onA.lockedFor('k')) > 0)
  })
})

describe('shared attempt store when Redis fails', { timeout: 60_000 }, () => {
  function sharedOn(opened: { client: RedisClient; degradation: DegradationTracker }, policy = POLICY) {
    const { client, degradation } = opened
    const create = createSharedAttempts({
      client,
      instances: 1,
      onFallback: (active, error) => {
        if (active) degradation.markDegraded(DEPENDENCY, `Redis failed: ${String(error)}`)
        else degradation.markRecovered(DEPENDENCY)
      },
    })
    return create('login_account', policy)
  }

  it('takes the threshold ÷ max(2, instances), at least 1, as the local threshold', () => {
    assert.deepEqual(
      [fallbackThreshold(5, 1), fallbackThreshold(20, 1), fallbackThreshold(20, 4), fallbackThreshold(3, 2)],
      [2, 10, 5, 1],
    )
    assert.equal(fallbackThreshold(5, 100), 1)
  })

  it('decides locally with the stricter threshold when Redis is stopped, without throwing: gauge 1, one warning', async (t) => {
    const server = await startRedisServer(t)
    const opened = await readyClient(t, server.url, { REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) })
    const { gauge, count } = opened
    const store = sharedOn(opened, LONG_LOCKS)
    assert.equal(await store.recordFailure('k'), 0, 'counted on Redis')

    await server.stop()
    const started = performance.now()
    const locks = [await store.recordFailure('k'), await store.recordFailure('k')]
    const tookMs = performance.now() - started

    // Local threshold 2 (of 4): the second failure locks, whatever Redis had counted.
    assert.deepEqual(locks, [0, 5000])
    assert.ok((await store.lockedFor('k')) > 4000)
    assert.ok(tookMs < COMMAND_TIMEOUT_MS, `decided in ${Math.round(tookMs)} ms`)
    await store.reset('other')
    assert.equal(await gauge(DEPENDENCY), 1)
    assert.equal(count('warn', 'dependency degraded', DEPENDENCY), 1)
  })

  it('is back on Redis after a restart, and a lock-out earned meanwhile still holds: gauge 0, one info line', async (t) => {
    const server = await startRedisServer(t)
    const opened = await readyClient(t, server.url)
    const { client, gauge, count } = opened
    const store = sharedOn(opened, LONG_LOCKS)
    await server.kill()
    await waitUntil('disconnected', () => !client.isReady())
    await failTimes(store, 'k', 2)

    await server.restart()
    await waitUntil('reconnected', () => client.isReady(), 5000)
    const locked = await store.lockedFor('k')

    assert.ok(locked > 3000, `locked for ${locked} ms`)
    assert.equal(await store.recordFailure('other'), 0, 'counted on the new Redis')
    assert.equal(await gauge(DEPENDENCY), 0)
    assert.equal(count('warn', 'dependency degraded', DEPENDENCY), 1)
    assert.equal(count('info', 'dependency recovered', DEPENDENCY), 1)
  })

  it('answers within the command timeout when Redis is frozen (SIGSTOP)', async (t) => {
    const server = await startRedisServer(t)
    const opened = await readyClient(t, server.url, { REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) })
    const { degradation } = opened
    const store = sharedOn(opened, LONG_LOCKS)

    server.pause()
    const started = performance.now()
    const lock = await store.recordFailure('k')
    const locked = await store.lockedFor('k')
    const tookMs = performance.now() - started
    server.resume()

    assert.equal(lock, 0)
    assert.equal(locked, 0)
    assert.ok(tookMs < 2 * COMMAND_TIMEOUT_MS + 300, `answered in ${Math.round(tookMs)} ms`)
    assert.equal(degradation.isDegraded(DEPENDENCY), true)
  })
})
