// The cache service: named caches, each a bounded in-process LRU with TTLs (L1, lru-cache) and, when Redis
// is configured and the cache allows it, Redis as a second level every instance shares (L2). Invalidations
// travel on one bus to every worker and instance; concurrent misses for one key load once (single-flight);
// hits, misses, evictions and sizes are metrics and part of the detailed health. Redis failing never fails
// a request: the cache falls back to L1 and the loader (fails open to local). docs/OPERATIONS.md, Caching.
import { LRUCache } from 'lru-cache'
import { Counter, Gauge, type Registry } from 'prom-client'
import { createLocalInvalidationBus, EVERY_CACHE, type InvalidationBus } from './bus.ts'

/** The second level: Redis in production (redis-l2.ts); every call may reject, and is then skipped. */
export interface CacheL2 {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlMs: number): Promise<void>
  del(key: string): Promise<void>
}

export interface CacheOptions<V> {
  /** Names the cache in metrics, health, Redis keys and on the bus; unique per registry. */
  name: string
  /** How stale an entry may get, counted from when its value was read. */
  ttlMs: number
  /** The least recently used entry makes room beyond this many. */
  maxEntries: number
  /** For values whose size varies widely: their total `sizeOf` stays under `maxSize` too. */
  size?: { maxSize: number; sizeOf(value: V): number }
  /**
   * Shares entries through the registry's L2 (Redis), as JSON: for values that are costly to compute and
   * safe to hand to every instance. Never for values keyed by secrets (keys travel to Redis as they are).
   */
  shared?: {
    serialize(value: V): string
    /** undefined for a stored value this version cannot read (it is then loaded again). */
    deserialize(text: string): V | undefined
  }
}

export interface Cache<V> {
  /** The L1 entry, synchronously (no L2, no loading). */
  get(key: string): V | undefined
  /** Stores `value` in L1 (and L2 when shared), read at `readAt` (default now): it expires ttlMs after that. */
  set(key: string, value: V, readAt?: number): void
  /**
   * The cached value, else the L2 one, else `load()`'s, which is stored when defined. Concurrent calls for
   * one key share one load unless `coalesce` is false. A load that overlaps an invalidation of this cache
   * is returned but not stored, so a value read before a write is never cached after it.
   */
  fetch(key: string, load: () => Promise<V | undefined>, options?: FetchOptions): Promise<V | undefined>
  /** Forgets `key` here, in L2, and in every cache of this name the bus reaches. */
  invalidate(key: string): void
  /** Forgets every L1 entry, here and in every cache of this name the bus reaches (L2 entries expire). */
  invalidateAll(): void
  readonly size: number
}

export interface FetchOptions {
  /**
   * false: every caller that misses runs its own load. For loads whose failures a circuit breaker counts
   * (credential lookups): one shared load would show a database outage to the breaker once per load
   * instead of once per request, and a single busy client would never open it.
   */
  coalesce?: boolean
}

export interface CacheStats {
  entries: number
  maxEntries: number
  ttlMs: number
  shared: boolean
  hits: number
  l2Hits: number
  misses: number
  evictions: number
}

export interface CacheRegistryOptions {
  /** Where invalidations travel; this process only when absent. */
  bus?: InvalidationBus
  /** Redis, for the caches that are `shared`; absent: every cache is L1 only. */
  l2?: CacheL2
  /** Where the cache metrics are registered; none when absent. */
  metrics?: Registry
}

export interface CacheRegistry {
  create<V>(options: CacheOptions<V>): Cache<V>
  /** Each cache's statistics, for the detailed health. */
  stats(): Record<string, CacheStats>
}

/** Cache names are chosen by code, never by clients: the series count stays bounded. */
const CACHE_NAME = /^[a-z][a-z0-9_-]{0,47}$/

interface Counts {
  hits: number
  l2Hits: number
  misses: number
  evictions: number
}

export function createCacheRegistry(options: CacheRegistryOptions = {}): CacheRegistry {
  const bus = options.bus ?? createLocalInvalidationBus()
  const caches = new Map<string, { stats(): CacheStats }>()
  const metrics = options.metrics === undefined ? undefined : createCacheMetrics(options.metrics, caches)

  return {
    create<V>(cacheOptions: CacheOptions<V>): Cache<V> {
      const { name, ttlMs, maxEntries } = cacheOptions
      if (!CACHE_NAME.test(name)) throw new Error(`invalid cache name "${name}"`)
      if (caches.has(name)) throw new Error(`cache "${name}" exists already`)
      const counts: Counts = { hits: 0, l2Hits: 0, misses: 0, evictions: 0 }
      const counted = metrics?.labelled(name)
      const entries = new LRUCache<string, V & object>({
        max: maxEntries,
        ttl: ttlMs,
        // Expired entries are dropped when read or evicted; no timer per entry.
        ttlAutopurge: false,
        ...(cacheOptions.size === undefined
          ? {}
          : {
              maxSize: cacheOptions.size.maxSize,
              sizeCalculation: (value: V) => Math.max(1, Math.ceil(cacheOptions.size?.sizeOf(value) ?? 1)),
            }),
        dispose: (_value, _key, reason) => {
          if (reason !== 'evict') return
          counts.evictions++
          counted?.evictions.inc()
        },
      })
      const shared = options.l2 === undefined ? undefined : cacheOptions.shared
      const l2Key = (key: string) => `cache:${name}:${key}`
      const inFlight = new Map<string, Promise<V | undefined>>()
      // Bumped by every invalidation of this cache: a load that saw it change does not store its value.
      let generation = 0
      bus.subscribe((invalidation) => {
        if (invalidation.cache !== name && invalidation.cache !== EVERY_CACHE) return
        generation++
        // A fetch from now on starts a load of its own rather than joining one that began before the change.
        if (invalidation.key === undefined) {
          entries.clear()
          inFlight.clear()
        } else {
          entries.delete(invalidation.key)
          inFlight.delete(invalidation.key)
        }
      })

      function store(key: string, value: V, readAt = Date.now()): void {
        const ttl = readAt + ttlMs - Date.now()
        if (ttl <= 0) return
        entries.set(key, value as V & object, { ttl })
        if (shared === undefined) return
        // When it was read travels with it, so another instance keeps the same bound.
        const text = `${String(readAt)} ${shared.serialize(value)}`
        options.l2?.set(l2Key(key), text, ttl).catch(ignore)
      }

      /** The L2 value and when it was read, unless absent, unreadable or expired (clocks may differ a little). */
      async function fromL2(key: string): Promise<{ value: V; readAt: number } | undefined> {
        if (shared === undefined || options.l2 === undefined) return undefined
        const text = await options.l2.get(l2Key(key)).catch(ignore)
        if (text === null || text === undefined) return undefined
        const space = text.indexOf(' ')
        const readAt = Number(text.slice(0, space))
        if (space < 1 || !Number.isFinite(readAt) || readAt + ttlMs <= Date.now()) return undefined
        const value = shared.deserialize(text.slice(space + 1))
        return value === undefined ? undefined : { value, readAt }
      }

      async function loadOnce(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
        const startedAt = generation
        const readAt = Date.now()
        const cached = await fromL2(key)
        if (cached !== undefined) {
          counts.l2Hits++
          counted?.l2Hits.inc()
          const ttl = cached.readAt + ttlMs - Date.now()
          if (generation === startedAt && ttl > 0) entries.set(key, cached.value as V & object, { ttl })
          return cached.value
        }
        counts.misses++
        counted?.misses.inc()
        const value = await load()
        if (value !== undefined && generation === startedAt) store(key, value, readAt)
        return value
      }

      const cache: Cache<V> = {
        get(key) {
          const value = entries.get(key)
          if (value !== undefined) {
            counts.hits++
            counted?.hits.inc()
          } else {
            counts.misses++
            counted?.misses.inc()
          }
          return value
        },
        set: store,
        fetch(key, load, fetchOptions) {
          const value = entries.get(key)
          if (value !== undefined) {
            counts.hits++
            counted?.hits.inc()
            return Promise.resolve(value)
          }
          if (fetchOptions?.coalesce === false) return loadOnce(key, load)
          let pending = inFlight.get(key)
          if (pending === undefined) {
            const started: Promise<V | undefined> = loadOnce(key, load).finally(() => {
              if (inFlight.get(key) === started) inFlight.delete(key)
            })
            pending = started
            inFlight.set(key, pending)
          }
          return pending
        },
        invalidate(key) {
          // Redis's copy first: an instance told by the bus must not find it there afterwards.
          if (shared !== undefined) options.l2?.del(l2Key(key)).catch(ignore)
          bus.publish({ cache: name, key })
        },
        invalidateAll() {
          bus.publish({ cache: name })
        },
        get size() {
          return entries.size
        },
      }
      caches.set(name, {
        stats: () => ({
          entries: entries.size,
          maxEntries,
          ttlMs,
          shared: shared !== undefined,
          ...counts,
        }),
      })
      return cache
    },
    stats() {
      return Object.fromEntries([...caches].map(([name, cache]) => [name, cache.stats()]))
    },
  }
}

/** A value another instance stored as JSON, or undefined when the text is not JSON (then a miss). */
export function parseShared(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** An L2 failure is the L2's to report (redis-l2.ts marks it degraded); here it is a miss. */
const ignore = () => undefined

function createCacheMetrics(registry: Registry, caches: Map<string, { stats(): CacheStats }>) {
  const lookups = new Counter({
    name: 'cache_lookups_total',
    help: 'Cache lookups by cache and result: hit (in-process), l2_hit (Redis), miss (loaded).',
    labelNames: ['cache', 'result'],
    registers: [registry],
  })
  const evictions = new Counter({
    name: 'cache_evictions_total',
    help: 'Entries a cache dropped to make room (least recently used first).',
    labelNames: ['cache'],
    registers: [registry],
  })
  new Gauge({
    name: 'cache_entries',
    help: 'Entries in the in-process level of each cache (expired ones included until read or evicted).',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      for (const [cache, entry] of caches) this.set({ cache }, entry.stats().entries)
    },
  })
  return {
    labelled: (cache: string) => ({
      hits: lookups.labels(cache, 'hit'),
      l2Hits: lookups.labels(cache, 'l2_hit'),
      misses: lookups.labels(cache, 'miss'),
      evictions: evictions.labels(cache),
    }),
  }
}
