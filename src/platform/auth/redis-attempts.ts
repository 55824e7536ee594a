// Failed-attempt counting on Redis: the memory store's rules (window, threshold, growing lock-outs, decay)
// as one Lua script per operation on a hash per key, timed by Redis's own clock (TIME), so that every
// instance counts against one record and one clock and a lock-out earned on one holds on all of them.
import { createHash } from 'node:crypto'
import type { RedisClient } from '../redis/client.ts'
import type { AttemptStore, LockoutPolicy } from './attempts.ts'

const NOW = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
`

/**
 * KEYS[1]: the record. ARGV: threshold, window, base lock, max lock, decay (ms). Returns the lock-out it
 * started (ms) or 0. The record expires `decay` after its last failure (or when its lock-out ends, if
 * later): the memory store forgets a key after the same quiet period, lock-out history included.
 */
const RECORD_FAILURE = `${NOW}
local threshold = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local entry = redis.call('HMGET', KEYS[1], 'failures', 'window_start', 'locked_until', 'lockouts')
local failures = tonumber(entry[1]) or 0
local window_start = tonumber(entry[2]) or now
local locked_until = tonumber(entry[3]) or 0
local lockouts = tonumber(entry[4]) or 0
if now - window_start > window then
  failures = 0
  window_start = now
end
failures = failures + 1
local lock = 0
if failures >= threshold then
  lock = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ math.min(lockouts, 62))
  lockouts = lockouts + 1
  failures = 0
  window_start = now
  locked_until = now + lock
end
redis.call('HSET', KEYS[1], 'failures', failures, 'window_start', window_start,
  'locked_until', locked_until, 'lockouts', lockouts)
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[5]), locked_until - now))
return lock
`

/** KEYS[1]: the record. Returns the ms it stays locked out, or 0. */
const LOCKED_FOR = `${NOW}
local locked_until = tonumber(redis.call('HGET', KEYS[1], 'locked_until')) or 0
return math.max(0, locked_until - now)
`

/** KEYS[1]: the record. Forgets its failures and current lock-out; its lock-out count decays on its own. */
const RESET = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'failures', 0, 'locked_until', 0)
end
return 0
`

interface AttemptCommands {
  bulwarkAttemptFailure(key: string, ...policy: number[]): Promise<unknown>
  bulwarkAttemptLocked(key: string): Promise<unknown>
  bulwarkAttemptReset(key: string): Promise<unknown>
}

/**
 * The store named `name` (part of every key: stores with different policies never share a record) on
 * Redis. Every call rejects at once while Redis is not connected and after REDIS_COMMAND_TIMEOUT_MS
 * without an answer: wrap it with a local fallback (shared-attempts.ts). Times come from Redis's clock;
 * the `now` arguments of the interface are ignored.
 */
export function createRedisAttemptStore(
  client: RedisClient,
  name: string,
  policy: LockoutPolicy,
): AttemptStore {
  const { redis } = client
  if (!('bulwarkAttemptFailure' in redis)) {
    redis.defineCommand('bulwarkAttemptFailure', { numberOfKeys: 1, lua: RECORD_FAILURE })
    redis.defineCommand('bulwarkAttemptLocked', { numberOfKeys: 1, lua: LOCKED_FOR })
    redis.defineCommand('bulwarkAttemptReset', { numberOfKeys: 1, lua: RESET })
  }
  const commands = redis as unknown as AttemptCommands
  const decayMs = policy.maxLockMs * 4
  // Keys hold emails and addresses: stored as digests (bounded length, no personal data at rest in Redis).
  const keyOf = (key: string) =>
    client.key(`attempts:${name}:${createHash('sha256').update(key).digest('base64url')}`)

  function ready(): void {
    if (!client.isReady()) throw new Error('Redis is not connected')
  }

  return {
    async lockedFor(key) {
      ready()
      return millisecondsOf(await commands.bulwarkAttemptLocked(keyOf(key)))
    },
    async recordFailure(key) {
      ready()
      const { threshold, windowMs, baseLockMs, maxLockMs } = policy
      const reply = await commands.bulwarkAttemptFailure(
        keyOf(key),
        threshold,
        windowMs,
        baseLockMs,
        maxLockMs,
        decayMs,
      )
      return millisecondsOf(reply)
    },
    async reset(key) {
      ready()
      await commands.bulwarkAttemptReset(keyOf(key))
    },
  }
}

function millisecondsOf(reply: unknown): number {
  const value = Number(reply)
  if (!Number.isFinite(value) || value < 0) throw new Error('unexpected reply from the attempts script')
  return value
}
