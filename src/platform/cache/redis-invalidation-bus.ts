// Credential-cache invalidations on Redis pub/sub: a revocation on one instance makes every instance
// forget its cached copy at once, instead of when the copy expires. Pub/sub delivers at most once (a
// message sent while a subscriber is away is lost), so the caches keep their TTL as the bound that holds
// whatever Redis does; this bus only makes the usual case immediate. It never throws into a request.
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { createFallbackSwitch } from '../health/degraded.ts'
import type { RedisClient } from '../redis/client.ts'
import {
  createLocalInvalidationBus,
  EVERY_CACHE,
  invalidationOf,
  MAX_INVALIDATION_CHARS,
  type Invalidation,
  type InvalidationBus,
} from './bus.ts'

/** How often the subscriber connection is checked with a PING: a frozen Redis sends no error by itself. */
const HEARTBEAT_MS = 2000

export interface InvalidationBusLogger {
  debug(details: object, message: string): void
}

export interface RedisInvalidationBusOptions {
  client: RedisClient
  log: InvalidationBusLogger
  /**
   * Told when invalidations may stop reaching this instance or leaving it (subscription lost, a publish
   * failed) and when they flow again (subscribed and answering): the degraded gauge and its log lines.
   */
  onDegraded(active: boolean, reason?: string): void
  /** Default 2000 ms. */
  heartbeatMs?: number
}

export interface RedisInvalidationBus extends InvalidationBus {
  /** Stops the heartbeat and cuts the subscriber connection. Idempotent. */
  close(): void
}

interface Message {
  origin: string
  cache: string
  key?: string
}

/**
 * A bus that delivers to this process's listeners at once and, through the channel `<prefix>invalidations`,
 * to every other process on the same Redis and prefix. Subscribes on a connection of its own (a subscribed
 * connection can run nothing else), resubscribing after every reconnection; every cache is cleared then,
 * since what was published meanwhile is lost.
 */
export function createRedisInvalidationBus(options: RedisInvalidationBusOptions): RedisInvalidationBus {
  const { client, log } = options
  const local = createLocalInvalidationBus()
  const channel = client.key('invalidations')
  // This process's messages come back to it too: its listeners had them at once, so they are skipped.
  const origin = randomBytes(9).toString('base64url')
  const subscriber: Redis = client.redis.duplicate({
    connectionName: `${client.redis.options.connectionName ?? 'bulwark'}:invalidations`,
    autoResubscribe: false,
    lazyConnect: true,
  })
  let subscribed = false
  let closed = false
  const fallback = createFallbackSwitch<string>((active, reason) => {
    options.onDegraded(active, reason)
  })
  const degrade = (reason: string) => {
    if (!closed) fallback.failed(reason)
  }
  const recover = () => {
    if (!closed) fallback.answered()
  }

  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(
      () => {
        subscribed = true
        local.publish({ cache: EVERY_CACHE })
        recover()
      },
      (error: unknown) => {
        degrade(`subscribe failed: ${String(error)}`)
      },
    )
  })
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return
    const message = parseMessage(text)
    if (message === undefined) {
      log.debug({ channel }, 'ignored a malformed invalidation message')
      return
    }
    if (message.origin === origin) return
    local.publish({ cache: message.cache, key: message.key })
  })
  subscriber.on('error', (error: Error) => {
    log.debug({ error }, 'redis invalidation subscriber error')
    subscribed = false
    degrade(error.message.slice(0, 200))
  })
  subscriber.on('close', () => {
    subscribed = false
    degrade('subscriber connection closed')
  })
  subscriber.connect().catch(() => undefined)

  const heartbeat = setInterval(() => {
    if (!subscribed) return
    subscriber.ping().then(recover, (error: unknown) => {
      degrade(`subscriber did not answer PING: ${String(error)}`)
    })
  }, options.heartbeatMs ?? HEARTBEAT_MS)
  heartbeat.unref()

  return {
    publish(invalidation) {
      local.publish(invalidation)
      if (closed) return
      if (!client.isReady()) {
        degrade('publish: Redis is not connected')
        return
      }
      publishInvalidation(client, invalidation, origin).catch((error: unknown) => {
        degrade(`publish failed: ${String(error)}`)
      })
    },
    subscribe: (listener) => local.subscribe(listener),
    close() {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      subscriber.disconnect()
    },
  }
}

/**
 * Sends one invalidation to every process subscribed on this Redis and prefix: what the bus does, and what
 * a command (`bulwark keys revoke`) that runs no bus does to reach the running servers. Rejects when Redis
 * is not connected or does not answer within the command timeout.
 */
export async function publishInvalidation(
  client: RedisClient,
  invalidation: Invalidation,
  origin = 'cli',
): Promise<void> {
  const message: Message = { origin, cache: invalidation.cache }
  if (invalidation.key !== undefined) message.key = invalidation.key
  await client.redis.publish(client.key('invalidations'), JSON.stringify(message))
}

function parseMessage(text: string): Message | undefined {
  // The key and cache name, JSON-quoted, plus the origin: a longer message is not ours.
  if (text.length > 2 * MAX_INVALIDATION_CHARS + 64) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const invalidation = invalidationOf(value)
  const origin = (value as { origin?: unknown } | null)?.origin
  if (invalidation === undefined || typeof origin !== 'string') return undefined
  return { origin, ...invalidation }
}
