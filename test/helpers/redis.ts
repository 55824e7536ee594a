// The shared Redis of the development and CI machines (127.0.0.1:6379, or TEST_REDIS_URL), with a key
// prefix of each test file's own: tests never see each other's keys, and the file's keys are deleted after.
import { randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import { Redis } from 'ioredis'

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface TestRedisNamespace {
  url: string
  /** `test:<random>:`, unique to this call. */
  keyPrefix: string
  /** The configuration that points the app (testConfig, startServer) at it: REDIS_URL and REDIS_KEY_PREFIX. */
  env: { REDIS_URL: string; REDIS_KEY_PREFIX: string }
  /** A plain connection for the test's own reads and writes (unprefixed: build keys with keyPrefix). */
  redis: Redis
}

/**
 * A namespace on the shared Redis for one test file (call it in `before`, or in a test): fails at once
 * with the command that starts Redis when none answers; in `after`, every key under the prefix is
 * deleted and the connection closed.
 */
export async function createTestRedisNamespace(
  t: Pick<TestContext, 'after'>,
  url = TEST_REDIS_URL,
): Promise<TestRedisNamespace> {
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`
  const redis = new Redis(url, {
    connectTimeout: 2000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    lazyConnect: true,
  })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    redis.disconnect()
    throw new Error(
      `no Redis answers at ${url} (${(error as Error).message}); start it: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no`,
      { cause: error },
    )
  }
  t.after(async () => {
    try {
      await deleteKeys(redis, `${keyPrefix}*`)
    } finally {
      redis.disconnect()
    }
  })
  return { url, keyPrefix, env: { REDIS_URL: url, REDIS_KEY_PREFIX: keyPrefix }, redis }
}

/** SCAN, not KEYS: the shared server keeps serving other test files meanwhile. */
async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
    if (keys.length > 0) await redis.unlink(...keys)
    cursor = next
  } while (cursor !== '0')
}
