// The caches of results that are costly to produce: how long an entry may be served and how many are kept.
// The credential caches have fixed bounds (a revoked key stops working within a second, docs/SECURITY.md).
import { defineGroup } from '../group.ts'

export interface CacheConfig {
  /** How long a plan read may be served from a cache after another instance changed it; 0: not cached. */
  plansTtlMs: number
  /** How long a /math/evaluate result is kept; 0: not cached. */
  mathTtlMs: number
  /** Entries each cache keeps in a process before the least recently used one goes. */
  maxEntries: number
}

export const cacheGroup = defineGroup({
  section: 'cache',
  prefixes: ['CACHE_'],
  variables: {
    CACHE_PLANS_TTL_MS: {
      type: 'integer',
      min: 0,
      max: 300_000,
      default: '5000',
      doc: 'How long a plan read by id may be answered from the cache (and Redis, when REDIS_URL is set). A change is broadcast to every worker and instance at once; this is the bound when a broadcast is lost (Redis down). 0 turns the cache off.',
    },
    CACHE_MATH_TTL_MS: {
      type: 'integer',
      min: 0,
      max: 86_400_000,
      default: '600000',
      doc: 'How long a /math/evaluate result is kept for the same expression and variables (results never change, this only bounds memory and Redis use). 0 turns the cache off.',
    },
    CACHE_MAX_ENTRIES: {
      type: 'integer',
      min: 1,
      max: 1_000_000,
      default: '10000',
      doc: 'Entries each cache (plans, math) keeps in one process; the least recently used goes first.',
    },
  },
  build: (values): CacheConfig => ({
    plansTtlMs: values.CACHE_PLANS_TTL_MS,
    mathTtlMs: values.CACHE_MATH_TTL_MS,
    maxEntries: values.CACHE_MAX_ENTRIES,
  }),
})
