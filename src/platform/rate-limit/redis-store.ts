// The sliding log on Redis: one sorted set per key, scored by Redis's own clock (TIME), so every instance
// counts against one log and one clock. The decisions asked for during one turn of the event loop go to
// Redis together, as one script call (atomic on the server): one write, one reply, one timeout and one
// breaker call for all of them, and one trim, count and add per key however many of its requests it holds.
// A busy key also reserves slots with that call (redis-grants.ts): its next decisions are made here at once.
import { randomBytes } from 'node:crypto'
import type { RedisClient } from '../redis/client.ts'
import type { Breaker } from '../resilience/breakers.ts'
import { canReserve, createGrantBook, LEASE_MS } from './redis-grants.ts'
import type { RateDecision, RatePolicy } from './sliding-log.ts'

/**
 * KEYS: the logs, each once. ARGV[1]: a member prefix unique to this call, ARGV[2]: the lease (ms); then for
 * each key: limit, window (ms), requests asking now, slots to reserve. Returns for each key { counted before,
 * admitted now, reserved, ms until the oldest entry leaves the window (at least 1) }. A key's requests are
 * decided in order at one instant, as one call each at that instant would be: each admitted one is logged
 * with the score now, none past the limit is; reserved slots come after them, logged with now + lease.
 */
const SLIDING_LOG = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local lease = tonumber(ARGV[2])
local replies = {}
for index, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[index * 4 - 1])
  local window = tonumber(ARGV[index * 4])
  local asked = tonumber(ARGV[index * 4 + 1])
  local reserve = tonumber(ARGV[index * 4 + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  local admitted = math.max(0, math.min(asked, limit - count))
  local reserved = math.max(0, math.min(reserve, limit - count - admitted))
  if admitted + reserved > 0 then
    local entries = {}
    for slot = 1, admitted + reserved do
      entries[slot * 2 - 1] = slot <= admitted and now or now + lease
      entries[slot * 2] = ARGV[1] .. index .. '.' .. slot
    end
    redis.call('ZADD', key, unpack(entries))
    redis.call('PEXPIRE', key, window + (reserved > 0 and lease or 0))
  end
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  local reset = window
  if oldest[2] then reset = math.max(1, tonumber(oldest[2]) + window - now) end
  replies[index * 4 - 3] = count
  replies[index * 4 - 2] = admitted
  replies[index * 4 - 1] = reserved
  replies[index * 4] = reset
end
return replies
`

/**
 * Decisions in one script call at most; more in one turn go in further calls. With a reservation (at most
 * 100,000 / RESERVE_DIVISOR: the configuration's largest limit) it keeps one ZADD below Lua's 8,000 values.
 */
export const MAX_BATCH_DECISIONS = 256

type SlidingLogCommand = (keyCount: number, ...keysThenArgs: (string | number)[]) => Promise<unknown>

interface Waiter {
  resolve(decision: RateDecision): void
  reject(error: unknown): void
}

/** One key's requests in a batch, in the order they were asked. */
interface KeyRequests {
  key: string
  policy: RatePolicy
  waiters: Waiter[]
}

export interface RedisSlidingLogOptions {
  /** Keys whose reserved slots this process remembers (RATE_LIMIT_MAX_KEYS). */
  maxKeys: number
  /** Local monotonic clock in ms (tests). */
  clock?: () => number
}

/**
 * Rejects at once while Redis is not connected (no queueing), after REDIS_COMMAND_TIMEOUT_MS, and at once
 * without calling Redis while `breaker` is open (the caller then decides on its local fallback). A decision
 * waits at most for the end of the current event-loop turn before it is sent (setImmediate); one from a
 * slot reserved earlier is returned at once, without a promise.
 */
export function createRedisSlidingLog(
  client: RedisClient,
  breaker: Breaker | undefined,
  options: RedisSlidingLogOptions,
) {
  const { redis } = client
  if (!('bulwarkSlidingLogBatch' in redis)) {
    redis.defineCommand('bulwarkSlidingLogBatch', { lua: SLIDING_LOG })
  }
  const command = (
    redis as unknown as { bulwarkSlidingLogBatch: SlidingLogCommand }
  ).bulwarkSlidingLogBatch.bind(redis)
  const clock = options.clock ?? performance.now.bind(performance)
  const grants = createGrantBook(options.maxKeys)
  // Members must be unique across instances: this process's random prefix and a call counter.
  const prefix = randomBytes(6).toString('base64url')
  let sequence = 0
  let pending = new Map<string, KeyRequests>()
  let pendingCount = 0
  let scheduled = false

  function flush() {
    scheduled = false
    if (pendingCount === 0) return
    const batch = [...pending.values()]
    pending = new Map()
    pendingCount = 0
    sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER
    send(batch, `${prefix}${String(sequence)}:`).catch((error: unknown) => {
      // Nothing is decided here again until Redis answers: the degraded state starts now.
      grants.clear()
      for (const { waiters } of batch) for (const waiter of waiters) waiter.reject(error)
    })
  }

  async function send(batch: KeyRequests[], members: string) {
    // Known at once without a call: not a failure for the breaker to count (the client reconnects).
    if (!client.isReady()) throw new Error('Redis is not connected')
    const sentAtMs = clock()
    const keys: string[] = []
    const args: (string | number)[] = [members, LEASE_MS]
    for (const { key, policy, waiters } of batch) {
      keys.push(client.key(`rl:${key}`))
      args.push(policy.limit, policy.windowMs, waiters.length, grants.reserveFor(key, policy, sentAtMs))
    }
    const call = () => command(keys.length, ...keys, ...args)
    const reply = await (breaker === undefined ? call() : breaker.run(call))
    if (!Array.isArray(reply) || reply.length !== batch.length * 4)
      throw new Error('unexpected reply from the rate-limit script')
    const now = clock()
    batch.forEach((requests, index) => {
      const [counted, admitted, reserved, resetMs] = reply.slice(index * 4, index * 4 + 4).map(Number)
      settle(requests, counted ?? 0, admitted ?? 0, resetMs ?? requests.policy.windowMs)
      if (!canReserve(requests.policy)) return
      const remaining = requests.policy.limit - (counted ?? 0) - (admitted ?? 0)
      grants.answer(requests.key, { slots: reserved ?? 0, sentAtMs, remaining, resetMs: resetMs ?? 0 }, now)
    })
  }

  return {
    take(key: string, policy: RatePolicy): RateDecision | Promise<RateDecision> {
      if (!client.isReady()) {
        grants.clear()
        return Promise.reject(new Error('Redis is not connected'))
      }
      const reserved = grants.use(key, clock())
      if (reserved !== undefined) return reserved
      return new Promise<RateDecision>((resolve, reject) => {
        let requests = pending.get(key)
        if (requests === undefined) {
          requests = { key, policy, waiters: [] }
          pending.set(key, requests)
        }
        requests.waiters.push({ resolve, reject })
        pendingCount += 1
        if (pendingCount >= MAX_BATCH_DECISIONS) flush()
        else if (!scheduled) {
          scheduled = true
          setImmediate(flush)
        }
      })
    },
  }
}

/** Resolves a key's requests as the script decided them: the first `admitted`, in order, and no other. */
function settle({ policy, waiters }: KeyRequests, counted: number, admitted: number, resetMs: number) {
  waiters.forEach((waiter, index) => {
    const allowed = index < admitted
    waiter.resolve({
      allowed,
      remaining: allowed ? policy.limit - counted - index - 1 : 0,
      resetMs: Number.isFinite(resetMs) ? resetMs : policy.windowMs,
    })
  })
}
