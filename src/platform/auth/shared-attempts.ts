// Lock-out counters every instance shares (Redis), falling back to this process's memory with STRICTER
// thresholds while Redis fails: a failure never reaches the request, and an outage never loosens the
// guard against guessing. A lock-out earned locally during an outage still holds after Redis is back.
import { createMemoryAttemptStore, type AttemptStore, type LockoutPolicy } from './attempts.ts'
import { createRedisAttemptStore } from './redis-attempts.ts'
import type { RedisClient } from '../redis/client.ts'
import { createFallbackSwitch } from '../health/degraded.ts'

export interface SharedAttemptsOptions {
  client: RedisClient
  /** Instances sharing the counters (EXPECTED_INSTANCES); the fallback's threshold is a share of it. */
  instances: number
  /** Told when Redis fails (the first failure) and when it answers again: the degraded gauge and its log. */
  onFallback(active: boolean, error?: unknown): void
  /** Keys each local fallback store holds at most (default 100,000). */
  maxKeys?: number
}

/**
 * The threshold of the local fallback: `threshold ÷ max(2, instances)`, at least 1. Never more than half
 * the shared one (stricter even on a single instance, which now counts only what it saw of the window),
 * and across the fleet no more failures than the shared threshold before every instance has locked out.
 */
export function fallbackThreshold(threshold: number, instances: number): number {
  return Math.max(1, Math.floor(threshold / Math.max(2, instances)))
}

/**
 * A factory of stores, one per name and policy, that share one fallback state (they use one Redis): the
 * gauge says degraded from the first failed call until the next call that Redis answers.
 */
export function createSharedAttempts(options: SharedAttemptsOptions) {
  const fallback = createFallbackSwitch((active: boolean, error?: unknown) => {
    options.onFallback(active, error)
  })
  const failed = (error: unknown) => fallback.failed(error)
  const answered = () => fallback.answered()

  return function createStore(name: string, policy: LockoutPolicy): AttemptStore {
    const shared = createRedisAttemptStore(options.client, name, policy)
    const local = createMemoryAttemptStore(
      { ...policy, threshold: fallbackThreshold(policy.threshold, options.instances) },
      options.maxKeys,
    )

    /** Redis's answer, or the local one when Redis fails (never a rejection). */
    async function decide<T>(onShared: () => Promise<T>, onLocal: () => T | Promise<T>): Promise<T> {
      try {
        const value = await onShared()
        answered()
        return value
      } catch (error) {
        failed(error)
        return onLocal()
      }
    }

    return {
      async lockedFor(key) {
        const sharedMs = await decide(
          async () => shared.lockedFor(key),
          () => 0,
        )
        // The local store only holds what was counted while Redis failed: its lock-outs run to their end.
        return Math.max(sharedMs, await local.lockedFor(key))
      },
      recordFailure: (key) =>
        decide(
          () => shared.recordFailure(key),
          () => local.recordFailure(key),
        ),
      reset: (key) =>
        decide(
          async () => {
            await shared.reset(key)
            await local.reset(key)
          },
          () => local.reset(key),
        ),
    }
  }
}
