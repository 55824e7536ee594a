// The rate limiter's algorithm: a sliding log. A key may have had at most `limit` requests admitted in any
// interval of `windowMs`, exactly: no burst of twice the limit at a window boundary (the fault of fixed
// windows) and no second burst while a token bucket refills (GCRA admits up to 2 × limit in one window when
// its burst is the limit). Each key keeps the times of its admitted requests, at most `limit` of them, in a
// ring that grows by doubling as the key uses it; a decision is O(1) amortised. docs/RATE-LIMITS.md says why.
import { LRUCache } from 'lru-cache'

export interface RatePolicy {
  /** The policy's name in the RateLimit-Policy and RateLimit fields, and part of every key it counts. */
  name: string
  limit: number
  windowMs: number
}

export interface RateDecision {
  allowed: boolean
  /** Requests the key may still make now. */
  remaining: number
  /** Milliseconds until the oldest admitted request leaves the window and one more is allowed. */
  resetMs: number
}

/** A store decides for a key and counts the request when it is admitted. */
export interface RateStore {
  take(key: string, policy: RatePolicy): RateDecision | Promise<RateDecision>
}

interface Log {
  times: Float64Array
  /** Index of the oldest admitted time still in the ring. */
  start: number
  size: number
}

const FIRST_CAPACITY = 4

/**
 * One process's logs, at most `maxKeys` of them: the least recently used key is forgotten first, which can
 * only admit more than the limit for a key that was idle for longest (never for a busy one).
 */
export function createSlidingLogStore(
  maxKeys: number,
  clock: () => number = performance.now.bind(performance),
) {
  // Made by the first decision: lru-cache allocates for all `maxKeys` at once (~7 ms and ~2.4 MB for
  // 100,000), which a worker's fallback store, used only while its primary does not answer, rarely needs.
  let logs: LRUCache<string, Log> | undefined

  function take(key: string, policy: RatePolicy, now = clock()): RateDecision {
    logs ??= new LRUCache<string, Log>({ max: maxKeys })
    let log = logs.get(key)
    if (log === undefined) {
      log = { times: new Float64Array(Math.min(policy.limit, FIRST_CAPACITY)), start: 0, size: 0 }
      logs.set(key, log)
    }
    const horizon = now - policy.windowMs
    const { times } = log
    while (log.size > 0 && (times[log.start] ?? 0) <= horizon) {
      log.start = (log.start + 1) % times.length
      log.size -= 1
    }
    if (log.size >= policy.limit) {
      return {
        allowed: false,
        remaining: 0,
        resetMs: untilFree(policy, now, times[log.start]),
      }
    }
    if (log.size === log.times.length) grow(log, policy.limit)
    log.times[(log.start + log.size) % log.times.length] = now
    log.size += 1
    return {
      allowed: true,
      remaining: policy.limit - log.size,
      resetMs: untilFree(policy, now, log.times[log.start]),
    }
  }

  return {
    take,
    /** Keys held now (for metrics and tests). */
    size: () => logs?.size ?? 0,
  } satisfies RateStore & { size(): number }
}

/**
 * Whole milliseconds until `oldest` leaves the window, at least 1. Computed from the elapsed time, so that a
 * request admitted just now reads exactly the window (t + w - t is not always w in floating point).
 */
function untilFree(policy: RatePolicy, now: number, oldest = now): number {
  return Math.max(1, Math.ceil(policy.windowMs - (now - oldest)))
}

/** Doubles the ring (up to the limit), keeping the times in order from index 0. */
function grow(log: Log, limit: number) {
  const times = new Float64Array(Math.min(limit, Math.max(FIRST_CAPACITY, log.times.length * 2)))
  for (let index = 0; index < log.size; index++) {
    times[index] = log.times[(log.start + index) % log.times.length] ?? 0
  }
  log.times = times
  log.start = 0
}

export type SlidingLogStore = ReturnType<typeof createSlidingLogStore>
