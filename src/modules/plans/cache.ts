// Plan reads by id through the cache service: a read is served from the cache for at most
// CACHE_PLANS_TTL_MS, and every change through this store (update, delete) invalidates the plan on every
// worker and instance once it is committed. Visibility is still checked on every read (the service does).
import { parseShared, type Cache, type CacheRegistry } from '../../platform/cache/cache.ts'
import type { CacheConfig } from '../../platform/config/config.ts'
import type { Plan } from './schemas.ts'
import type { PlansStore } from './service.ts'

/** `store` with its findById cached, or `store` itself when CACHE_PLANS_TTL_MS is 0. */
export function cachePlanReads(store: PlansStore, caches: CacheRegistry, config: CacheConfig): PlansStore {
  if (config.plansTtlMs === 0) return store
  const cache: Cache<Plan> = caches.create<Plan>({
    name: 'plans',
    ttlMs: config.plansTtlMs,
    maxEntries: config.maxEntries,
    shared: { serialize: (plan) => JSON.stringify(plan), deserialize: planOf },
  })
  return {
    ...store,
    // Frozen: one cached object answers many requests, none may change it.
    findById: (id) => cache.fetch(id, async () => freeze(await store.findById(id))),
    async updateIfVersion(id, version, patch) {
      try {
        return await store.updateIfVersion(id, version, patch)
      } finally {
        cache.invalidate(id)
      }
    },
    async deleteIfVersion(id, version) {
      try {
        return await store.deleteIfVersion(id, version)
      } finally {
        cache.invalidate(id)
      }
    },
  }
}

function freeze(plan: Plan | undefined): Plan | undefined {
  if (plan === undefined) return undefined
  Object.freeze(plan.tags)
  return Object.freeze(plan)
}

/** A plan as another instance stored it in Redis; anything else (another version's shape) is a miss. */
function planOf(text: string): Plan | undefined {
  const value = parseShared(text)
  const plan = value as Partial<Plan> | null
  const valid =
    typeof plan?.id === 'string' &&
    typeof plan.owner === 'string' &&
    typeof plan.title === 'string' &&
    typeof plan.description === 'string' &&
    typeof plan.status === 'string' &&
    typeof plan.start_date === 'string' &&
    (plan.end_date === null || typeof plan.end_date === 'string') &&
    Array.isArray(plan.tags) &&
    Number.isInteger(plan.version) &&
    typeof plan.created_at === 'string' &&
    typeof plan.updated_at === 'string'
  return valid ? freeze(plan as Plan) : undefined
}
