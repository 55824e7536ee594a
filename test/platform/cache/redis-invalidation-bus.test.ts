// Issue 12: cache invalidations on Redis pub/sub. What one process invalidates, every process on
// the same Redis and prefix forgets at once; a lost subscription is degraded (redis:invalidations) and,
// once resubscribed, every cache is cleared (what was published meanwhile is lost); nothing ever throws.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it, type TestContext } from 'node:test'
import { createCacheRegistry } from '../../../src/platform/cache/cache.ts'
import { createRedisInvalidationBus } from '../../../src/platform/cache/redis-invalidation-bus.ts'
import { openRecordedRedisClient } from '../../helpers/redis-client.ts'
import { startRedisServer } from '../../helpers/redis-server.ts'
import { createTestRedisNamespace } from '../../helpers/redis.ts'

const DEPENDENCY = 'redis:invalidations'

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`)
    await sleep(10)
  }
}

/** One "instance": a client, a bus on it and a cache named `keys` on the bus. */
async function instanceOn(t: TestContext, url: string, env: Record<string, string> = {}) {
  const opened = openRecordedRedisClient(t, url, env)
  const { client, degradation } = opened
  const subscribed: string[] = []
  const bus = createRedisInvalidationBus({
    client,
    log: opened.log,
    heartbeatMs: 200,
    onDegraded: (active, reason) => {
      if (active) degradation.markDegraded(DEPENDENCY, reason ?? 'failed')
      else degradation.markRecovered(DEPENDENCY)
    },
  })
  t.after(() => bus.close())
  const cache = createCacheRegistry({ bus }).create<{ value: string }>({
    name: 'keys',
    ttlMs: 60_000,
    maxEntries: 10,
  })
  await waitUntil('Redis ready', () => client.isReady())
  // What reaches this bus, from this process or (once subscribed) from another.
  bus.subscribe((invalidation) => subscribed.push(invalidation.cache))
  return { ...opened, bus, cache, subscribed }
}

/** Publishes probes from `from` until `to` hears one: its subscription is in place. */
async function untilSubscribed(
  from: { bus: { publish(invalidation: { cache: string }): void } },
  to: { subscribed: string[] },
) {
  await waitUntil(
    'subscribed',
    () => {
      from.bus.publish({ cache: 'probe' })
      return to.subscribed.includes('probe')
    },
    5000,
  )
}

describe('Redis invalidation bus', { timeout: 60_000 }, () => {
  it('makes another instance forget a key at once, and one key only', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const env = { REDIS_KEY_PREFIX: namespace.keyPrefix }
    const a = await instanceOn(t, namespace.url, env)
    const b = await instanceOn(t, namespace.url, env)
    await untilSubscribed(a, b)
    b.cache.set('revoked', { value: 'x' })
    b.cache.set('kept', { value: 'y' })
    a.cache.set('revoked', { value: 'x' })

    const started = performance.now()
    a.cache.invalidate('revoked')
    assert.equal(a.cache.get('revoked'), undefined, 'forgotten here before invalidate returns')
    await waitUntil('forgotten on B', () => b.cache.get('revoked') === undefined, 1000)
    const tookMs = performance.now() - started

    t.diagnostic(`B forgot the key after ${tookMs.toFixed(1)} ms`)
    assert.deepEqual(b.cache.get('kept'), { value: 'y' })
    a.cache.invalidateAll()
    await waitUntil('everything forgotten on B', () => b.cache.size === 0, 1000)
  })

  it('keeps instances with other key prefixes apart, and ignores messages that are not its own format', async (t) => {
    const [first, second] = [await createTestRedisNamespace(t), await createTestRedisNamespace(t)]
    const a = await instanceOn(t, first.url, { REDIS_KEY_PREFIX: first.keyPrefix })
    const b = await instanceOn(t, first.url, { REDIS_KEY_PREFIX: first.keyPrefix })
    const other = await instanceOn(t, second.url, { REDIS_KEY_PREFIX: second.keyPrefix })
    await untilSubscribed(a, b)
    other.cache.set('k', { value: 'v' })
    b.cache.set('k', { value: 'v' })

    await first.redis.publish(`${first.keyPrefix}invalidations`, 'not json')
    await first.redis.publish(`${first.keyPrefix}invalidations`, JSON.stringify({ cache: 1 }))
    a.cache.invalidate('k')
    await waitUntil('forgotten on B', () => b.cache.get('k') === undefined, 1000)

    assert.deepEqual(other.cache.get('k'), { value: 'v' })
  })

  it('is degraded while Redis is down (publishing fails quietly), and clears every cache once resubscribed', async (t) => {
    const server = await startRedisServer(t)
    const a = await instanceOn(t, server.url)
    const b = await instanceOn(t, server.url)
    await untilSubscribed(a, b)

    await server.kill()
    await waitUntil('degraded', () => b.degradation.isDegraded(DEPENDENCY))
    a.cache.invalidate('lost')
    b.cache.set('stale', { value: 'v' })
    await server.restart()
    await waitUntil('recovered', () => !b.degradation.isDegraded(DEPENDENCY), 8000)

    assert.equal(b.cache.get('stale'), undefined, 'cleared on resubscribing')
    assert.equal(await b.gauge(DEPENDENCY), 0)
    assert.equal(b.count('warn', 'dependency degraded', DEPENDENCY), 1)
    assert.equal(b.count('info', 'dependency recovered', DEPENDENCY), 1)
    await untilSubscribed(a, b)
  })

  it('notices a frozen Redis (SIGSTOP) through its heartbeat', async (t) => {
    const server = await startRedisServer(t)
    const env = { REDIS_COMMAND_TIMEOUT_MS: '100' }
    const a = await instanceOn(t, server.url, env)
    const b = await instanceOn(t, server.url, env)
    await untilSubscribed(a, b)

    server.pause()
    await waitUntil('degraded', () => b.degradation.isDegraded(DEPENDENCY), 3000)
    server.resume()

    await waitUntil('recovered', () => !b.degradation.isDegraded(DEPENDENCY), 8000)
    assert.equal(await b.gauge(DEPENDENCY), 0)
    await untilSubscribed(a, b)
  })
})
