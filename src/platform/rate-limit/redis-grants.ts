// Slots of a busy key reserved on Redis ahead of its requests, so that most of its decisions are made in
// this process at once. A reserved slot is logged on Redis with the score now + LEASE_MS (the latest moment
// it may be used) and is used here only before LEASE_MS after the call that reserved it was sent: every
// admitted request is therefore in the shared log with a score at or after its admission, which keeps "at
// most limit admitted in any window" across instances (docs/RATE-LIMITS.md gives the proof and the price).
import { LRUCache } from 'lru-cache'
import type { RateDecision, RatePolicy } from './sliding-log.ts'

/** How long reserved slots may be used after the call that reserved them was sent. */
export const LEASE_MS = 50
/** A reservation is at most limit / RESERVE_DIVISOR slots: what one instance can leave unused per key. */
export const RESERVE_DIVISOR = 64
/** Fewer slots than this are not reserved: a key asking less than about 80 times a second asks Redis. */
export const MIN_RESERVE = 4

/** Whether a policy's keys may reserve: a limit of 256 or more; below, every decision is Redis's. */
export function canReserve(policy: RatePolicy): boolean {
  return Math.floor(policy.limit / RESERVE_DIVISOR) >= MIN_RESERVE
}

interface Grant {
  /** Reserved slots left. */
  slots: number
  /** Local time (performance.now) after which they may no longer be used. */
  useByMs: number
  /** The key's remaining count as Redis last said it, less what was used here since. */
  remaining: number
  /** Local time at which the oldest entry of the key's log leaves the window. */
  resetAtMs: number
  /** Decisions asked for since the last answer from Redis: the demand the next reservation is sized on. */
  takes: number
  answeredAtMs: number
  /** A reservation for the key is on its way: no second one is asked for meanwhile. */
  reserving: boolean
}

export interface GrantAnswer {
  /** Slots Redis reserved. */
  slots: number
  /** Local time the call was sent: the slots may be used until LEASE_MS after it. */
  sentAtMs: number
  remaining: number
  resetMs: number
}

/** The reserved slots of at most `maxKeys` keys (the least recently used forgotten first). */
export function createGrantBook(maxKeys: number) {
  const grants = new LRUCache<string, Grant>({ max: maxKeys })

  return {
    /** A decision from a reserved slot, or undefined when none is left or usable (then ask Redis). */
    use(key: string, now: number): RateDecision | undefined {
      const grant = grants.get(key)
      if (grant === undefined) return undefined
      grant.takes += 1
      if (grant.slots === 0 || now >= grant.useByMs) return undefined
      grant.slots -= 1
      grant.remaining = Math.max(0, grant.remaining - 1)
      return {
        allowed: true,
        remaining: grant.remaining,
        resetMs: Math.max(1, Math.ceil(grant.resetAtMs - now)),
      }
    },

    /**
     * Slots to reserve with the call about to be sent: the demand seen since the last answer, over one
     * lease, at most limit / RESERVE_DIVISOR; none below MIN_RESERVE (a key that is not busy asks Redis each
     * time, so it never leaves slots unused), for a key seen for the first time, or one already reserving.
     */
    reserveFor(key: string, policy: RatePolicy, now: number): number {
      const grant = grants.get(key)
      if (grant === undefined || grant.reserving) return 0
      const elapsedMs = Math.max(1, now - grant.answeredAtMs)
      const slots = Math.min(
        Math.floor(policy.limit / RESERVE_DIVISOR),
        Math.floor((grant.takes * LEASE_MS) / elapsedMs),
      )
      if (slots < MIN_RESERVE) return 0
      grant.reserving = true
      return slots
    },

    /** Records Redis's answer for a key: its reserved slots join those still usable. */
    answer(key: string, answer: GrantAnswer, now: number): void {
      const previous = grants.get(key)
      const usable = previous !== undefined && previous.slots > 0 && now < previous.useByMs
      grants.set(key, {
        slots: answer.slots + (usable ? previous.slots : 0),
        // The earliest deadline of the slots held: each is then used before its own.
        useByMs: usable ? Math.min(previous.useByMs, answer.sentAtMs + LEASE_MS) : answer.sentAtMs + LEASE_MS,
        remaining: answer.remaining,
        resetAtMs: now + answer.resetMs,
        takes: 0,
        answeredAtMs: now,
        reserving: false,
      })
    },

    /** Forgets every reservation (Redis failed: no decision is made here until it answers again). */
    clear(): void {
      if (grants.size > 0) grants.clear()
    },
  }
}

export type GrantBook = ReturnType<typeof createGrantBook>
