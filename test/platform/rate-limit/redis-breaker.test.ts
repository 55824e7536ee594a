// The rate-limit store's Redis calls behind the `redis` circuit breaker: a frozen Redis opens it after its
// volume threshold, and from then on every decision is the local fallback's at once, without waiting out
// the command timeout; a Redis answering with an error reply is working, and never opens it.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createDegradationTracker } from '../../../src/platform/health/degraded.ts'
import { createRedisSlidingLog } from '../../../src/platform/rate-limit/redis-store.ts'
import { createSlidingLogStore } from '../../../src/platform/rate-limit/sliding-log.ts'
import { createSharedStore } from '../../../src/platform/rate-limit/stores.ts'
import { createRedisClient, isRedisOutage } from '../../../src/platform/redis/client.ts'
import { createBreakerRegistry } from '../../../src/platform/resilience/breakers.ts'
import { testConfig } from '../../helpers/build-app.ts'
import { startRedisServer } from '../../helpers/redis-server.ts'
import { createTestRedisNamespace } from '../../helpers/redis.ts'

const COMMAND_TIMEOUT_MS = 200
const VOLUME = 3
const POLICY = { name: 'test', limit: 100, windowMs: 60_000 }
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined }

function openStore(t: TestContext, url: string) {
  const degradation = createDegradationTracker({ log: silent })
  const config = testConfig({ REDIS_URL: url, REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) })
  const client = createRedisClient({ ...config.redis, url }, { log: silent, degradation })
  t.after(() => client.close())
  const registry = createBreakerRegistry({
    settings: {
      errorThresholdPercent: 50,
      volumeThreshold: VOLUME,
      resetTimeoutMs: 30_000,
      windowMs: 10_000,
    },
    log: silent,
    degradation,
  })
  t.after(() => registry.close())
  const breaker = registry.create('redis', { isFailure: isRedisOutage })
  const fallbacks: boolean[] = []
  const store = createSharedStore({
    shared: createRedisSlidingLog(client, breaker, { maxKeys: 1000 }),
    local: createSlidingLogStore(1000),
    instances: 1,
    onFallback: (active) => fallbacks.push(active),
  })
  return { client, breaker, store, fallbacks }
}

async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await work()
  return { value, ms: performance.now() - started }
}

describe('rate limits on Redis behind the redis circuit breaker', () => {
  it('opens on a frozen Redis, then decides locally at once instead of waiting out the command timeout', async (t) => {
    const server = await startRedisServer(t)
    const { client, breaker, store, fallbacks } = openStore(t, server.url)
    // The first connection is made in the background.
    for (let wait = 0; !client.isReady() && wait < 100; wait += 1) await sleep(20)
    await store.take('caller', POLICY)

    // Frozen: each call waits out the command timeout (the socket is dropped only after 1 s).
    server.pause()
    const slow: number[] = []
    while (breaker.state() !== 'open' && slow.length < 10) {
      slow.push((await timed(() => store.take('caller', POLICY))).ms)
    }
    const fast = await timed(() => store.take('caller', POLICY))
    server.resume()

    assert.equal(breaker.state(), 'open')
    assert.ok(slow.length >= VOLUME - 1, `opened after ${slow.length} failed calls`)
    for (const ms of slow)
      assert.ok(ms >= COMMAND_TIMEOUT_MS - 20, `a call on the frozen Redis took ${ms} ms`)
    assert.equal(fast.value.allowed, true, 'decided by the local fallback')
    assert.ok(fast.ms < COMMAND_TIMEOUT_MS / 2, `the open breaker's decision took ${Math.round(fast.ms)} ms`)
    assert.deepEqual(fallbacks, [true], 'one switch to the fallback')
  })

  it('counts an error reply as an answer (Redis works), and not-connected, closed or timed out as outages', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const key = `${namespace.keyPrefix}string`
    await namespace.redis.set(key, 'x')
    const wrongType = await namespace.redis.lpush(key, 'y').catch((error: unknown) => error)

    assert.ok(wrongType instanceof Error && wrongType.name === 'ReplyError', String(wrongType))
    assert.equal(isRedisOutage(wrongType), false)
    assert.equal(
      isRedisOutage(Object.assign(new Error('LOADING Redis is loading'), { name: 'ReplyError' })),
      true,
    )
    assert.equal(isRedisOutage(new Error('Command timed out')), true)
    assert.equal(isRedisOutage(new Error('Connection is closed.')), true)
    assert.equal(
      isRedisOutage(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
      true,
    )
  })
})
