// The shared Redis client: one connection per process whose commands never wait for a connection (they
// fail at once while disconnected, and after REDIS_COMMAND_TIMEOUT_MS otherwise), reconnecting forever in
// the background, and reporting its state to the degradation tracker as dependency `redis`. Redis is
// optional: a first connection that fails does not stop the start, the callers fall back locally.
import { createRequire } from 'node:module'
import type { Redis, RedisOptions } from 'ioredis'
import type { RedisConfig } from '../config/config.ts'
import type { DegradationTracker } from '../health/degraded.ts'

/** The dependency name in logs, detailed health and `dependency_degraded{dependency}`. */
export const REDIS_DEPENDENCY = 'redis'

/** Reconnection waits: the first, doubling up to the last, forever. */
const RECONNECT_FIRST_MS = 100
const RECONNECT_MAX_MS = 2000

/** Longest part of an error message kept as the degradation reason. */
const MAX_REASON_CHARS = 200

export interface RedisClientLogger {
  debug(details: object, message: string): void
  info(details: object, message: string): void
}

export interface RedisClientOptions {
  log: RedisClientLogger
  degradation: DegradationTracker
  /** CLIENT SETNAME of the connection, so `CLIENT LIST` tells processes apart (default `bulwark`). */
  connectionName?: string
}

/**
 * ioredis, loaded by the first client this process opens: a process without REDIS_URL (every worker of
 * the embedded default) does not pay its ~80–120 ms of start-up, which a replacement worker waits for.
 */
const loadIoredis = (() => {
  const require = createRequire(import.meta.url)
  let loaded: typeof import('ioredis') | undefined
  return () => (loaded ??= require('ioredis') as typeof import('ioredis'))
})()

/** The process's Redis: the connection, the key prefix, and the way to close it. */
export interface RedisClient {
  /**
   * The ioredis connection. Keys are NOT prefixed by it (so Lua scripts see the real keys): build every
   * key with {@link RedisClient.key}. A command rejects at once while disconnected (no offline queue),
   * after `commandTimeoutMs` without an answer, and at once when the connection drops under it.
   */
  redis: Redis
  /** `REDIS_KEY_PREFIX` + name: the key to use for `name`. */
  key(name: string): string
  keyPrefix: string
  commandTimeoutMs: number
  /** Whether the connection is up and ready for commands now. */
  isReady(): boolean
  /** One PING, bounded by the command timeout: resolves when Redis answers; rejects at once when not connected. */
  ping(): Promise<void>
  /** QUIT (bounded by the command timeout), then the connection is cut; stops reconnecting. Idempotent. */
  close(): Promise<void>
}

/** Error replies meaning Redis cannot serve now (loading, busy script, failing over, out of memory). */
const UNHEALTHY_REPLIES = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|READONLY)\b/

/**
 * Whether a failed command means Redis is unhealthy, which its circuit breaker counts: not connected,
 * connection closed, no answer within the command timeout, or an error reply saying it cannot serve now.
 * Any other error reply (a wrong type, a script error) is an answer: Redis works, the command was wrong.
 */
export function isRedisOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (error.name !== 'ReplyError') return true
  return UNHEALTHY_REPLIES.test(error.message)
}

/** The ioredis options that make Redis a dependency that can fail without holding any request. */
export function redisOptionsOf(config: RedisConfig, connectionName: string): RedisOptions {
  // A command with no answer for this long while others wait means a frozen server or a dead link: the
  // socket is dropped and reconnected (which marks Redis degraded), rather than timing out one by one.
  const socketTimeoutMs = Math.max(1000, 4 * config.commandTimeoutMs)
  return {
    enableOfflineQueue: false,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    socketTimeout: socketTimeoutMs,
    // In-flight commands fail when the connection drops, and are never sent again after reconnecting:
    // a counter incremented twice, or a write applied late, is worse than a failure the caller handles.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(RECONNECT_FIRST_MS * 2 ** (attempt - 1), RECONNECT_MAX_MS),
    // RESP2: the reply shapes every library sharing this connection (rate-limiter-flexible) expects, and
    // no HELLO that proxies in front of Redis may not know.
    protocol: 2,
    connectionName,
    lazyConnect: true,
  }
}

/**
 * Opens the client for a configured REDIS_URL and starts connecting; never throws for an unreachable
 * Redis (that is logged once through the tracker, and retried forever, 100 ms doubling to 2 s).
 */
export function createRedisClient(
  config: RedisConfig & { url: string },
  options: RedisClientOptions,
): RedisClient {
  const { log, degradation } = options
  const redis = new (loadIoredis().Redis)(
    config.url,
    redisOptionsOf(config, options.connectionName ?? 'bulwark'),
  )
  const where = describeAddress(config.url)
  let closing: Promise<void> | undefined
  let everReady = false

  redis.on('ready', () => {
    if (!everReady) log.info(where, 'redis ready')
    everReady = true
    degradation.markRecovered(REDIS_DEPENDENCY)
  })
  // Without a listener an 'error' event would be printed by ioredis on every attempt; each one is at
  // debug here, and the tracker says once at warn that Redis is degraded.
  redis.on('error', (error: Error) => {
    log.debug({ ...where, error }, 'redis connection error')
    if (closing === undefined) degradation.markDegraded(REDIS_DEPENDENCY, reasonOf(error))
  })
  redis.on('close', () => {
    if (closing === undefined) degradation.markDegraded(REDIS_DEPENDENCY, 'connection closed')
  })
  // The first connection is made in the background: a failure is an 'error' event, not a rejection.
  redis.connect().catch(() => undefined)

  return {
    redis,
    key: (name) => config.keyPrefix + name,
    keyPrefix: config.keyPrefix,
    commandTimeoutMs: config.commandTimeoutMs,
    isReady: () => redis.status === 'ready',
    ping: async () => {
      // Said plainly, instead of ioredis's words for a command refused without a connection.
      if (redis.status !== 'ready') throw new Error(`not connected (${redis.status})`)
      await redis.ping()
    },
    close() {
      closing ??= closeConnection(redis, config.commandTimeoutMs)
      return closing
    },
  }
}

/** The client for REDIS_URL when it is set, else undefined (every store then stays local). */
export function openConfiguredRedis(
  config: RedisConfig,
  options: RedisClientOptions,
): RedisClient | undefined {
  const { url } = config
  return url === undefined ? undefined : createRedisClient({ ...config, url }, options)
}

async function closeConnection(redis: Redis, commandTimeoutMs: number): Promise<void> {
  if (redis.status === 'ready') {
    let timer: NodeJS.Timeout | undefined
    // QUIT lets Redis finish what it was sent; the command timeout bounds it, the timer is a second bound.
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, commandTimeoutMs + 100)
    })
    await Promise.race([
      redis.quit().then(
        () => undefined,
        () => undefined,
      ),
      bound,
    ])
    clearTimeout(timer)
  }
  // Cuts the connection (or a pending reconnection) whatever QUIT did.
  redis.disconnect()
}

/** Host, port and database, never the password the URL may hold. */
function describeAddress(url: string): { host: string; port: number; db: number; tls: boolean } {
  const parsed = new URL(url)
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:',
  }
}

function reasonOf(error: Error): string {
  return error.message.slice(0, MAX_REASON_CHARS)
}
