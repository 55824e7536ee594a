// The sliding log on Redis: one sorted set per key, scored by Redis's own clock (TIME), so every instance
// counts against one log and one clock; one script call per decision, atomic on the server.
import { randomBytes } from 'node:crypto'
import type { RedisClient } from '../redis/client.ts'
import type { Breaker } from '../resilience/breakers.ts'
import type { RateDecision, RatePolicy } from './sliding-log.ts'

/**
 * KEYS[1]: the log. ARGV: limit, window (ms), a member unique to this request.
 * Returns { admitted 1|0, remaining, ms until the oldest entry leaves the window }.
 */
const SLIDING_LOG = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return { 0, 0, math.max(1, tonumber(oldest[2]) + window - now) }
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return { 1, limit - count - 1, tonumber(oldest[2]) + window - now }
`

type SlidingLogCommand = (key: string, limit: number, windowMs: number, member: string) => Promise<unknown>

/**
 * Rejects at once while Redis is not connected (no queueing), after REDIS_COMMAND_TIMEOUT_MS, and at once
 * without calling Redis while `breaker` is open (the caller then decides on its local fallback).
 */
export function createRedisSlidingLog(client: RedisClient, breaker?: Breaker) {
  const { redis } = client
  if (!('bulwarkSlidingLog' in redis)) {
    redis.defineCommand('bulwarkSlidingLog', { numberOfKeys: 1, lua: SLIDING_LOG })
  }
  const command = (redis as unknown as { bulwarkSlidingLog: SlidingLogCommand }).bulwarkSlidingLog.bind(redis)
  // Members must be unique across instances: this process's random prefix and a counter.
  const prefix = randomBytes(6).toString('base64url')
  let sequence = 0

  return {
    async take(key: string, policy: RatePolicy): Promise<RateDecision> {
      // Known at once without a call: not a failure for the breaker to count (the client reconnects).
      if (!client.isReady()) throw new Error('Redis is not connected')
      sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER
      const member = `${prefix}${String(sequence)}`
      const call = () => command(client.key(`rl:${key}`), policy.limit, policy.windowMs, member)
      const reply = await (breaker === undefined ? call() : breaker.run(call))
      if (!Array.isArray(reply) || reply.length !== 3)
        throw new Error('unexpected reply from the rate-limit script')
      const [admitted, remaining, resetMs] = reply.map(Number)
      return { allowed: admitted === 1, remaining: remaining ?? 0, resetMs: resetMs ?? policy.windowMs }
    },
  }
}
