// Issue 12: the cache service. L1 with TTLs and a bound, invalidation on a bus, single-flight, a load that
// overlaps an invalidation not cached over, statistics in metrics; L2 on the real Redis shared by two
// registries (two instances), and failing open to the loader when that Redis is gone.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { Registry } from 'prom-client'
import { createLocalInvalidationBus, type Invalidation } from '../../../src/platform/cache/bus.ts'
import { createCacheRegistry } from '../../../src/platform/cache/cache.ts'
import { createRedisL2 } from '../../../src/platform/cache/redis-l2.ts'
import { createBreakerRegistry } from '../../../src/platform/resilience/breakers.ts'
import { isRedisOutage } from '../../../src/platform/redis/client.ts'
import { openRecordedRedisClient } from '../../helpers/redis-client.ts'
import { startRedisServer } from '../../helpers/redis-server.ts'
import { createTestRedisNamespace } from '../../helpers/redis.ts'
import { testConfig } from '../../helpers/build-app.ts'

const value = (n: number) => ({ n })
const json = { serialize: JSON.stringify, deserialize: (text: string) => JSON.parse(text) as { n: number } }

describe('cache service', { timeout: 60_000 }, () => {
  it('answers an entry until its TTL, counted from when the value was read', async () => {
    const cache = createCacheRegistry().create<{ n: number }>({ name: 'c', ttlMs: 200, maxEntries: 10 })
    cache.set('fresh', value(1))
    cache.set('old', value(2), Date.now() - 150)
    cache.set('expired', value(3), Date.now() - 250)

    assert.deepEqual(
      [cache.get('fresh'), cache.get('old'), cache.get('expired')],
      [value(1), value(2), undefined],
    )
    await sleep(80)
    assert.deepEqual([cache.get('fresh'), cache.get('old')], [value(1), undefined])
    await sleep(150)
    assert.equal(cache.get('fresh'), undefined)
  })

  it('evicts the least recently used entry beyond maxEntries, and counts it', async () => {
    const metrics = new Registry()
    const caches = createCacheRegistry({ metrics })
    const cache = caches.create<{ n: number }>({ name: 'lru', ttlMs: 60_000, maxEntries: 2 })
    cache.set('a', value(1))
    cache.set('b', value(2))
    cache.get('a')
    cache.set('c', value(3))

    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [value(1), undefined, value(3)])
    assert.equal(cache.size, 2)
    const stats = caches.stats().lru
    assert.deepEqual([stats?.evictions, stats?.hits, stats?.misses, stats?.entries], [1, 3, 1, 2])
    const text = await metrics.metrics()
    assert.match(text, /cache_evictions_total\{cache="lru"\} 1/)
    assert.match(text, /cache_lookups_total\{cache="lru",result="hit"\} 3/)
    assert.match(text, /cache_lookups_total\{cache="lru",result="miss"\} 1/)
    assert.match(text, /cache_entries\{cache="lru"\} 2/)
  })

  it('bounds the total size of values when given a size', () => {
    const cache = createCacheRegistry().create<{ n: number }>({
      name: 'sized',
      ttlMs: 60_000,
      maxEntries: 100,
      size: { maxSize: 10, sizeOf: (entry) => entry.n },
    })
    cache.set('a', value(4))
    cache.set('b', value(4))
    cache.set('c', value(4))
    cache.set('huge', value(11))

    assert.deepEqual(
      [cache.get('a'), cache.get('b'), cache.get('c'), cache.get('huge')],
      [undefined, value(4), value(4), undefined],
    )
  })

  it('loads a key once for concurrent misses, and does not cache an undefined or failed load', async () => {
    const cache = createCacheRegistry().create<{ n: number }>({
      name: 'flight',
      ttlMs: 60_000,
      maxEntries: 10,
    })
    let loads = 0
    const load = async () => {
      loads++
      await sleep(20)
      return value(7)
    }

    const results = await Promise.all(Array.from({ length: 20 }, () => cache.fetch('k', load)))

    assert.equal(loads, 1)
    assert.ok(results.every((result) => result?.n === 7))
    assert.deepEqual(await cache.fetch('k', load), value(7))
    assert.equal(loads, 1, 'a hit does not load')
    assert.equal(await cache.fetch('none', async () => undefined), undefined)
    await assert.rejects(
      cache.fetch('fails', () => Promise.reject(new Error('down'))),
      /down/,
    )
    assert.deepEqual([cache.get('none'), cache.get('fails')], [undefined, undefined])
  })

  it('lets every caller run its own load when asked not to coalesce (loads a breaker counts)', async () => {
    const cache = createCacheRegistry().create<{ n: number }>({ name: 'own', ttlMs: 60_000, maxEntries: 10 })
    let loads = 0
    const load = async () => {
      loads++
      await sleep(10)
      throw new Error('database unreachable')
    }

    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => cache.fetch('k', load, { coalesce: false })),
    )

    assert.equal(loads, 5)
    assert.ok(outcomes.every((outcome) => outcome.status === 'rejected'))
  })

  it('does not cache a value loaded while the cache was invalidated (read before a write)', async () => {
    const cache = createCacheRegistry().create<{ n: number }>({ name: 'race', ttlMs: 60_000, maxEntries: 10 })
    const loading = cache.fetch('plan', async () => {
      await sleep(30)
      return value(1)
    })
    await sleep(5)
    cache.invalidate('plan')

    assert.deepEqual(await loading, value(1), 'the caller still gets what it read')
    assert.equal(cache.get('plan'), undefined, 'but it is not cached')
  })

  it('does not hand a fetch made after an invalidation the load that began before it', async () => {
    const cache = createCacheRegistry().create<{ n: number }>({
      name: 'after',
      ttlMs: 60_000,
      maxEntries: 10,
    })
    const before = cache.fetch('plan', async () => {
      await sleep(30)
      return value(1)
    })
    await sleep(5)
    cache.invalidate('plan')
    const after = cache.fetch('plan', async () => value(2))

    assert.deepEqual(await after, value(2), 'read-your-writes: the new value')
    assert.deepEqual(await before, value(1))
    assert.deepEqual(cache.get('plan'), value(2))
  })

  it('reaches every cache of the same name on the bus, and only those', () => {
    const bus = createLocalInvalidationBus()
    const seen: Invalidation[] = []
    bus.subscribe((invalidation) => seen.push(invalidation))
    const options = { ttlMs: 60_000, maxEntries: 10 }
    const here = createCacheRegistry({ bus }).create<{ n: number }>({ name: 'keys', ...options })
    const elsewhere = createCacheRegistry({ bus }).create<{ n: number }>({ name: 'keys', ...options })
    const other = createCacheRegistry({ bus }).create<{ n: number }>({ name: 'tokens', ...options })
    for (const cache of [here, elsewhere, other]) {
      cache.set('k', value(1))
      cache.set('j', value(2))
    }

    here.invalidate('k')
    assert.deepEqual(
      [here.get('k'), elsewhere.get('k'), elsewhere.get('j'), other.get('k')],
      [undefined, undefined, value(2), value(1)],
    )
    here.invalidateAll()
    assert.deepEqual([elsewhere.size, other.size], [0, 2])
    assert.deepEqual(seen, [{ cache: 'keys', key: 'k' }, { cache: 'keys' }])
  })

  it('refuses a second cache of one name and names that could be anything', () => {
    const caches = createCacheRegistry()
    caches.create({ name: 'one', ttlMs: 1, maxEntries: 1 })
    assert.throws(() => caches.create({ name: 'one', ttlMs: 1, maxEntries: 1 }), /exists already/)
    assert.throws(() => caches.create({ name: 'Bad Name', ttlMs: 1, maxEntries: 1 }), /invalid cache name/)
  })

  it('shares entries between two instances through Redis, and an invalidation deletes them there', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const instance = () => {
      const opened = openRecordedRedisClient(t, namespace.url, { REDIS_KEY_PREFIX: namespace.keyPrefix })
      const breakers = createBreakerRegistry({
        settings: testConfig().breakers,
        log: opened.log,
        degradation: opened.degradation,
      })
      t.after(() => breakers.close())
      const l2 = createRedisL2({
        client: opened.client,
        breaker: breakers.create('redis', { isFailure: isRedisOutage }),
        onDegraded: () => undefined,
      })
      const caches = createCacheRegistry({ l2 })
      return {
        opened,
        caches,
        cache: caches.create<{ n: number }>({ name: 'shared', ttlMs: 60_000, maxEntries: 10, shared: json }),
      }
    }
    const a = instance()
    const b = instance()
    for (const { opened } of [a, b]) while (!opened.client.isReady()) await sleep(10)

    assert.deepEqual(await a.cache.fetch('k', async () => value(42)), value(42))
    let loadedOnB = false
    await sleep(50) // the SET is not awaited by the caller
    const fromB = await b.cache.fetch('k', async () => {
      loadedOnB = true
      return value(0)
    })

    assert.deepEqual(fromB, value(42))
    assert.equal(loadedOnB, false, 'B answered from Redis without loading')
    assert.equal(b.caches.stats().shared?.l2Hits, 1)
    const stored = await namespace.redis.get(`${namespace.keyPrefix}cache:shared:k`)
    assert.match(stored ?? '', /^\d+ \{"n":42\}$/)
    a.cache.invalidate('k')
    await sleep(50)
    assert.equal(await namespace.redis.get(`${namespace.keyPrefix}cache:shared:k`), null)
  })

  it('fails open to the loader when its Redis is gone, and says so once', async (t) => {
    const server = await startRedisServer(t)
    const opened = openRecordedRedisClient(t, server.url)
    while (!opened.client.isReady()) await sleep(10)
    const breakers = createBreakerRegistry({
      settings: testConfig().breakers,
      log: opened.log,
      degradation: opened.degradation,
    })
    t.after(() => breakers.close())
    const transitions: boolean[] = []
    const l2 = createRedisL2({
      client: opened.client,
      breaker: breakers.create('redis', { isFailure: isRedisOutage }),
      onDegraded: (active) => transitions.push(active),
    })
    const cache = createCacheRegistry({ l2 }).create<{ n: number }>({
      name: 'open',
      ttlMs: 60_000,
      maxEntries: 10,
      shared: json,
    })
    await server.stop()

    const started = performance.now()
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => cache.fetch(`k${String(index)}`, async () => value(index))),
    )

    assert.deepEqual(
      results.map((result) => result?.n),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    )
    assert.ok(performance.now() - started < 1000, 'no wait on the dead Redis')
    assert.deepEqual(cache.get('k3'), value(3), 'kept in the process meanwhile')
    assert.deepEqual(transitions, [true])
  })
})
