// Failed-attempt counting with growing lock-outs (brute-force protection), behind a store interface so a
// shared (Redis) store can replace the in-memory one without touching callers.

export interface LockoutPolicy {
  /** Failures inside `windowMs` that trigger a lock-out. */
  threshold: number
  windowMs: number
  /** The first lock-out; each further one doubles, up to `maxLockMs`. */
  baseLockMs: number
  maxLockMs: number
}

export interface AttemptStore {
  /** Milliseconds the key stays locked out; 0 when it is not. Synchronous for a local store. */
  lockedFor(key: string, now?: number): number | Promise<number>
  /** Counts a failure; returns the lock-out it started in milliseconds, or 0. */
  recordFailure(key: string, now?: number): Promise<number>
  /** Forgets the failures of a key (after a success); its lock-out history decays on its own. */
  reset(key: string): Promise<void>
}

interface Entry {
  failures: number
  windowStart: number
  lockedUntil: number
  /** Lock-outs so far; decays after a quiet period of maxLockMs × 4. */
  lockouts: number
  lastFailure: number
}

/** One process's counts; bounded to `maxKeys` (the oldest entries are dropped first). */
export function createMemoryAttemptStore(policy: LockoutPolicy, maxKeys = 100_000): AttemptStore {
  const entries = new Map<string, Entry>()
  const decayMs = policy.maxLockMs * 4

  function current(key: string, now: number): Entry | undefined {
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    if (entry.lockedUntil <= now && now - entry.lastFailure > decayMs) {
      entries.delete(key)
      return undefined
    }
    return entry
  }

  return {
    lockedFor(key, now = Date.now()) {
      const entry = current(key, now)
      return entry === undefined ? 0 : Math.max(0, entry.lockedUntil - now)
    },
    recordFailure(key, now = Date.now()) {
      let entry = current(key, now)
      if (entry === undefined) {
        if (entries.size >= maxKeys) {
          const oldest = entries.keys().next()
          if (oldest.done !== true) entries.delete(oldest.value)
        }
        entry = { failures: 0, windowStart: now, lockedUntil: 0, lockouts: 0, lastFailure: now }
        entries.set(key, entry)
      }
      if (now - entry.windowStart > policy.windowMs) {
        entry.failures = 0
        entry.windowStart = now
      }
      entry.failures += 1
      entry.lastFailure = now
      if (entry.failures < policy.threshold) return Promise.resolve(0)
      const lockMs = Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** entry.lockouts)
      entry.lockouts += 1
      entry.failures = 0
      entry.windowStart = now
      entry.lockedUntil = now + lockMs
      return Promise.resolve(lockMs)
    },
    reset(key) {
      const entry = entries.get(key)
      if (entry !== undefined) {
        entry.failures = 0
        entry.lockedUntil = 0
      }
      return Promise.resolve()
    },
  }
}
