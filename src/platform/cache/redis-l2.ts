// The caches' second level on Redis: GET, SET with PX and DEL under the process's key prefix, each bounded by
// REDIS_COMMAND_TIMEOUT_MS, refused at once while Redis is not connected or its breaker is open. A failure is
// a miss for the cache (it fails open to its in-process level and the loader); the tracker says once that
// the cache is degraded and once that it recovered.
import type { RedisClient } from '../redis/client.ts'
import type { Breaker } from '../resilience/breakers.ts'
import type { CacheL2 } from './cache.ts'
import { createFallbackSwitch } from '../health/degraded.ts'

export interface RedisL2Options {
  client: RedisClient
  /** The process's `redis` breaker, shared with the rate limits. */
  breaker: Breaker
  /** Told when a call fails and when one succeeds again (the degraded gauge and its log lines). */
  onDegraded(active: boolean, reason?: string): void
}

export function createRedisL2(options: RedisL2Options): CacheL2 {
  const { client, breaker } = options
  const fallback = createFallbackSwitch<string>((active, reason) => options.onDegraded(active, reason))

  function run<T>(work: () => Promise<T>): Promise<T> {
    // Known at once without a call: not a failure for the breaker to count (the client reconnects).
    if (!client.isReady()) {
      fail('Redis is not connected')
      return Promise.reject(new Error('Redis is not connected'))
    }
    return breaker.run(work).then(
      (result) => {
        fallback.answered()
        return result
      },
      (error: unknown) => {
        fail(String(error))
        throw error
      },
    )
  }

  const fail = (reason: string) => fallback.failed(reason.slice(0, 200))

  return {
    get: (key) => run(() => client.redis.get(client.key(key))),
    set: (key, value, ttlMs) =>
      run(async () => {
        await client.redis.set(client.key(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)))
      }),
    del: (key) =>
      run(async () => {
        await client.redis.del(client.key(key))
      }),
  }
}
