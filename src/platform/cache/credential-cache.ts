// Short-lived copies of verified credentials (API keys, access tokens and their revocation state), bounded
// and at most ttlMs stale, whose invalidations travel over a bus: in-process by default, or Redis pub/sub
// (redis-invalidation-bus.ts), which tells every instance to forget a revoked credential at once.
import { createTtlMap } from './ttl-map.ts'

/** The cache name of an invalidation that every cache obeys (a bus that may have missed some sends it). */
export const EVERY_CACHE = '*'

/** One invalidation: a cache's name (or EVERY_CACHE) and the key to forget, or every key when `key` is undefined. */
export interface Invalidation {
  cache: string
  key?: string | undefined
}

/** Carries invalidations to every cache subscribed to it (on every instance, for a shared bus). */
export interface InvalidationBus {
  publish(invalidation: Invalidation): void
  /** Calls `listener` for every invalidation published from now on; returns the unsubscribe function. */
  subscribe(listener: (invalidation: Invalidation) => void): () => void
}

/** A bus within this process: a published invalidation reaches every listener before publish returns. */
export function createLocalInvalidationBus(): InvalidationBus {
  const listeners = new Set<(invalidation: Invalidation) => void>()
  return {
    publish(invalidation) {
      for (const listener of listeners) listener(invalidation)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

export interface CredentialCacheOptions {
  /** Names the cache on the bus; unique per bus. */
  name: string
  /** How stale an entry may get, counted from when its value was read (the `now` given to set). */
  ttlMs: number
  /** The oldest entry makes room beyond this many. */
  maxEntries: number
  /** Where invalidations travel; a bus of its own (this process only) when absent. */
  bus?: InvalidationBus
}

export interface CredentialCache<V> {
  get(key: string, now?: number): V | undefined
  /** Stores `value` read at `now` (default: now): it expires ttlMs after that. */
  set(key: string, value: V, now?: number): void
  /**
   * Forgets `key` here and on every cache of this name the bus reaches. Keys travel on the bus as they are:
   * a cache keyed by secrets (whole API keys, tokens) uses invalidateAll.
   */
  invalidate(key: string): void
  /** Forgets every entry, here and on every cache of this name the bus reaches. */
  invalidateAll(): void
  readonly size: number
}

export function createCredentialCache<V>(options: CredentialCacheOptions): CredentialCache<V> {
  const { name } = options
  const entries = createTtlMap<V>(options.ttlMs, options.maxEntries)
  const bus = options.bus ?? createLocalInvalidationBus()
  bus.subscribe((invalidation) => {
    if (invalidation.cache !== name && invalidation.cache !== EVERY_CACHE) return
    if (invalidation.key === undefined) entries.clear()
    else entries.delete(invalidation.key)
  })
  return {
    get: (key, now) => entries.get(key, now),
    set: (key, value, now) => {
      entries.set(key, value, now)
    },
    invalidate: (key) => {
      bus.publish({ cache: name, key })
    },
    invalidateAll: () => {
      bus.publish({ cache: name })
    },
    get size() {
      return entries.size
    },
  }
}
