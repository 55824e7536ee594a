// How caches forget entries everywhere at once: an invalidation published on a bus reaches every cache of
// that name the bus connects. Within one process (bus below), the workers of one machine (through the
// primary: cluster-invalidation-bus.ts) or every instance (Redis pub/sub: redis-invalidation-bus.ts).

/** The cache name of an invalidation that every cache obeys (a bus that may have missed some sends it). */
export const EVERY_CACHE = '*'

/** One invalidation: a cache's name (or EVERY_CACHE) and the key to forget, or every key when `key` is undefined. */
export interface Invalidation {
  cache: string
  key?: string | undefined
}

/** Carries invalidations to every cache subscribed to it (on every process it connects). */
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

/** Names and keys are short; a message that is not one of ours is dropped by every bus. */
export const MAX_INVALIDATION_CHARS = 2048

/** The invalidation in `value`, if it is one (a message from another process is checked, not trusted). */
export function invalidationOf(value: unknown): Invalidation | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { cache, key } = value as { cache?: unknown; key?: unknown }
  if (typeof cache !== 'string' || cache.length === 0 || cache.length > MAX_INVALIDATION_CHARS)
    return undefined
  if (key === undefined || key === null) return { cache }
  if (typeof key !== 'string' || key.length > MAX_INVALIDATION_CHARS) return undefined
  return { cache, key }
}
