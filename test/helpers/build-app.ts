// buildTestApp: the real app from the real config loader (NODE_ENV=test plus overrides), logs captured.
import { Writable } from 'node:stream'
import type { TestContext } from 'node:test'
import pino from 'pino'
import { buildApp, type App } from '../../src/app.ts'
import type { Config } from '../../src/platform/config/config.ts'
import { loadConfig } from '../../src/platform/config/loader.ts'
import { createLifecycle, type Lifecycle } from '../../src/platform/lifecycle/state.ts'
import { REDACT_PATHS } from '../../src/platform/logging/logger.ts'
import { createDatabase, type Database } from '../../src/platform/db/database.ts'
import { migrateDatabase } from '../../src/platform/db/migrator.ts'
import { MIGRATIONS } from '../../src/db/migrations.ts'

export interface TestApp {
  app: App
  config: Readonly<Config>
  lifecycle: Lifecycle
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[]
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
): Promise<TestApp> {
  const config = testConfig(overrides)
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
  const app = await buildApp(config, {
    logger,
    lifecycle,
    database: database ?? (await sharedTestDatabase(config)),
    version: '0.0.0-test',
  })
  extend?.(app)
  await app.ready()
  lifecycle.markReady()
  t.after(() => app.close())
  return { app, config, lifecycle, logs }
}
