// Redis, the optional shared state of rate limits, lock-outs, the token deny-list and the cache: where it
// is, the prefix of every key Bulwark writes, and the timeouts that keep an outage from holding a request.
import { defineGroup } from '../group.ts'
import { optional } from '../variable.ts'

export interface RedisConfig {
  /** redis:// or rediss:// URL (may carry a password); undefined: no Redis, every store is local. */
  url: string | undefined
  /** Put in front of every key Bulwark writes, so several services (or test files) can share one Redis. */
  keyPrefix: string
  /** A command without an answer by then fails (and the caller falls back); ms. */
  commandTimeoutMs: number
  /** Longest wait for a TCP (and TLS) connection to be established; ms. */
  connectTimeoutMs: number
}

/** Characters safe in a key and in a log line; `{}` allowed for Redis Cluster hash tags. */
const KEY_PREFIX_PATTERN = /^[A-Za-z0-9_.:{}-]{1,64}$/

export const redisGroup = defineGroup({
  section: 'redis',
  prefixes: ['REDIS_'],
  variables: {
    REDIS_URL: {
      type: 'string',
      secret: true,
      default: '',
      doc: 'Redis URL (redis://[:password@]host:6379[/db], or rediss:// for TLS): the state every worker and instance shares (rate limits, lock-outs, token deny-list, cache). Unset: each machine keeps that state itself. Redis is optional at run time too: while it is unreachable the server keeps serving on local fallbacks (see docs/OPERATIONS.md). Also read from REDIS_URL_FILE.',
    },
    REDIS_KEY_PREFIX: {
      type: 'string',
      pattern: KEY_PREFIX_PATTERN,
      default: 'bulwark:',
      doc: 'Prefix of every key Bulwark writes in Redis (1–64 of A-Z a-z 0-9 _ . : { } -), so services or environments can share one Redis without colliding.',
    },
    REDIS_COMMAND_TIMEOUT_MS: {
      type: 'integer',
      min: 10,
      max: 5000,
      default: '250',
      doc: 'A Redis command not answered within this fails, and the caller uses its local fallback; commands never queue while Redis is disconnected. Must be shorter than HANDLER_TIMEOUT_MS.',
    },
    REDIS_CONNECT_TIMEOUT_MS: {
      type: 'integer',
      min: 100,
      max: 60_000,
      default: '2000',
      doc: 'Longest wait to establish a connection to Redis; reconnection is retried forever, 100 ms doubling to 2 s between attempts.',
    },
  },
  build: (values): RedisConfig => ({
    url: optional(values.REDIS_URL),
    keyPrefix: values.REDIS_KEY_PREFIX,
    commandTimeoutMs: values.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: values.REDIS_CONNECT_TIMEOUT_MS,
  }),
  checks({ redis, server }) {
    const problems: string[] = []
    if (redis.commandTimeoutMs >= server.handlerTimeoutMs) {
      problems.push(
        'REDIS_COMMAND_TIMEOUT_MS: must be shorter than HANDLER_TIMEOUT_MS, so a request whose Redis call fails can still fall back and be answered',
      )
    }
    if (redis.url !== undefined) problems.push(...checkRedisUrl(redis.url))
    return problems
  },
})

/** The URL is a secret (it may hold a password): problems never quote it. */
function checkRedisUrl(url: string): string[] {
  const parsed = URL.parse(url)
  if (parsed === null || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) {
    return ['REDIS_URL: must be a redis:// or rediss:// URL']
  }
  if (parsed.hostname === '') return ['REDIS_URL: names no host']
  // ioredis reads the path as the database number; anything else there would be silently ignored.
  if (!/^(\/(\d{1,2})?)?$/.test(parsed.pathname)) {
    return ['REDIS_URL: the path may only be a database number (redis://host:6379/0)']
  }
  return []
}
