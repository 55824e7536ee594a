// buildTestApp: the real app from the real config loader (NODE_ENV=test plus overrides), logs captured.
import { Writable } from 'node:stream'
import type { TestContext } from 'node:test'
import type { InjectOptions } from 'fastify'
import pino from 'pino'
import type { Registry } from 'prom-client'
import { buildApp, type App } from '../../src/app.ts'
import type { Config } from '../../src/platform/config/config.ts'
import { loadConfig } from '../../src/platform/config/loader.ts'
import { createCloseRegistry } from '../../src/platform/lifecycle/close-registry.ts'
import { createLifecycle, type Lifecycle } from '../../src/platform/lifecycle/state.ts'
import { REDACT_PATHS } from '../../src/platform/logging/logger.ts'
import { createDatabase, type Database } from '../../src/platform/db/database.ts'
import { migrateDatabase } from '../../src/platform/db/migrator.ts'
import { MIGRATIONS } from '../../src/db/migrations.ts'
import { createDegradationTracker, type DegradationTracker } from '../../src/platform/health/degraded.ts'
import { openConfiguredRedis, type RedisClient } from '../../src/platform/redis/client.ts'
import { generateSigningKeyFile } from './signing-keys.ts'

/**
 * An Ed25519 key for tests that run with NODE_ENV=production (which requires a signing key file),
 * generated for this test process: production refuses the committed ones.
 */
export const TEST_SIGNING_KEY_FILE = generateSigningKeyFile('ed25519')

export interface TestApp {
  /**
   * The app; its `inject` sends the test API key (scopes math:read, plans:read, plans:write) unless the
   * request sets Authorization, X-API-Key or Cookie itself. Use `anonymous` for requests without one.
   */
  app: App
  /** The original inject: no credentials added. */
  anonymous: App['inject']
  /** The key `app.inject` sends, and the principal id (plan owner) it stands for. */
  apiKey: string
  principalId: string
  config: Readonly<Config>
  lifecycle: Lifecycle
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[]
  /** The app's Redis client: opened here (and closed after the app) when the overrides set REDIS_URL. */
  redis: RedisClient | undefined
  /** The tracker the app and its Redis client report degraded dependencies to. */
  degradation: DegradationTracker
}

/** Loads configuration exactly as `bulwark serve` does, from NODE_ENV=test plus the given variables. */
export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  const result = loadConfig({ NODE_ENV: 'test', ...overrides })
  if (!result.ok) throw new Error(`test configuration is invalid: ${result.problems.join('; ')}`)
  return result.config
}

/** One in-memory PGlite per test process for apps that do not bring their own database. */
let sharedDatabase: Promise<Database> | undefined

function sharedTestDatabase(config: Readonly<Config>): Promise<Database> {
  sharedDatabase ??= (async () => {
    const database = createDatabase(
      { ...config.db, url: undefined, dataDir: 'memory://' },
      { warn: () => undefined },
    )
    await migrateDatabase(database, MIGRATIONS)
    return database
  })()
  return sharedDatabase
}

export async function buildTestApp(
  t: TestContext,
  overrides: Record<string, string> = {},
  extend?: (app: App) => void,
  database?: Database,
  metrics?: Registry,
): Promise<TestApp> {
  // An in-process app shares its event loop with the test runner (and PGlite, and the schema compilation of
  // every app the file builds): load shedding would measure the runner, not the app. It is off here whatever
  // NODE_ENV the test asks for, unless the test sets it; test/e2e/overload.test.ts proves it on a real server.
  const config = testConfig({
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    OVERLOAD_MAX_HEAP_USED_MB: '0',
    ...overrides,
  })
  const logs: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line))
      callback()
    },
  })
  const logger = pino(
    {
      level: 'info',
      messageKey: 'message',
      errorKey: 'error',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    sink,
  )
  const lifecycle = createLifecycle()
  // What the app opens; the database is the caller's (or shared by the whole test process).
  const resources = createCloseRegistry({ log: logger })
  // As the server does: Redis opened before the app (it reports to the tracker), closed after it.
  const degradation = createDegradationTracker({ log: logger })
  const redis = openConfiguredRedis(config.redis, { log: logger, degradation })
  if (redis !== undefined) resources.add('redis', () => redis.close())
  const app = await buildApp(config, {
    logger,
    lifecycle,
    database: database ?? (await sharedTestDatabase(config)),
    resources,
    version: '0.0.0-test',
    metrics,
    redis,
    degradation,
  }).catch(async (error: unknown) => {
    // Nothing would close what was opened for it (the Redis client reconnects forever otherwise).
    await resources.closeAll()
    throw error
  })
  extend?.(app)
  await app.ready()
  lifecycle.markReady()
  t.after(async () => {
    await app.close()
    await resources.closeAll()
  })
  const { apiKey, principalId } = await issueTestKey(app)
  const anonymous = app.inject.bind(app)
  const withKey = ((options: InjectOptions | string) => {
    const request = typeof options === 'string' ? { url: options } : options
    const headers = { ...(request.headers as Record<string, string> | undefined) }
    if (
      headers.authorization === undefined &&
      headers['x-api-key'] === undefined &&
      headers.cookie === undefined
    ) {
      headers.authorization = `Bearer ${apiKey}`
    }
    return anonymous({ ...request, headers })
  }) as App['inject']
  Object.defineProperty(app, 'inject', { value: withKey, configurable: true })
  return { app, anonymous, apiKey, principalId, config, lifecycle, logs, redis, degradation }
}

/** The scopes of an ordinary (non-admin) machine client. */
export const TEST_KEY_SCOPES = ['math:read', 'plans:read', 'plans:write'] as const

async function issueTestKey(app: App): Promise<{ apiKey: string; principalId: string }> {
  try {
    const { key, apiKey } = await app.accounts.apiKeys.create('cli', {
      name: 'test',
      scopes: [...TEST_KEY_SCOPES],
    })
    return { apiKey: key, principalId: apiKey.owner_id }
  } catch {
    // A test of an unreachable database: a well-formed key whose lookup meets the outage.
    return { apiKey: `bk_${'0'.repeat(16)}_${'A'.repeat(43)}`, principalId: 'apikey:0000000000000000' }
  }
}
