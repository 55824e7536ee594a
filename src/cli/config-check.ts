// `bulwark config check`: which .env it read, the effective configuration (secrets redacted) with where
// each value came from, every warning and every problem.
import { describeConfig, loadConfig, CONFIG_EXIT_CODE } from '../platform/config/loader.ts'
import type { Config } from '../platform/config/config.ts'
import type { SourcedEnvironment } from '../platform/config/environment.ts'

export async function runConfigCheck(
  { env, file, fromFile }: SourcedEnvironment,
  out: (line: string) => void,
): Promise<number> {
  out(file === undefined ? 'no .env file read (none in the working directory, or ENV_FILE)' : `read ${file}`)
  for (const line of describeConfig(env, fromFile)) out(line)
  const result = loadConfig(env)
  for (const warning of result.warnings) out(`warning: ${warning}`)
  if (!result.ok) {
    out(`\n${result.problems.length} problem(s):`)
    for (const problem of result.problems) out(`  - ${problem}`)
    return CONFIG_EXIT_CODE
  }
  out('\nconfiguration OK')
  out(await databaseReport(result.config))
  if (result.config.redis.url !== undefined) out(await redisReport(result.config.redis.url, result.config))
  return 0
}

/** Whether the configured PostgreSQL answers, in one line that says what to do when it does not. */
async function databaseReport(config: Readonly<Config>): Promise<string> {
  if (config.db.url === undefined) return `database: embedded PGlite under ${config.db.dataDir}`
  const { createDatabase } = await import('../platform/db/database.ts')
  const { describeDatabaseFailure } = await import('../platform/db/connection-failure.ts')
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined
  try {
    database = createDatabase(config.db, { warn: () => undefined })
    await database.ping(AbortSignal.timeout(config.db.connectTimeoutMs + 1000))
    const { host } = new URL(config.db.url)
    return `database: PostgreSQL at ${host} answers`
  } catch (error) {
    return `database: ${describeDatabaseFailure(error, config.db).message}`
  } finally {
    await database?.close()
  }
}

/** Whether the configured Redis answers a PING; the URL (which may hold a password) is never printed. */
async function redisReport(url: string, config: Readonly<Config>): Promise<string> {
  const { Redis } = await import('ioredis')
  const { redisOptionsOf } = await import('../platform/redis/client.ts')
  const { host, port } = new URL(url)
  const where = `${host}${port === '' ? ':6379' : ''}`
  // One attempt, no reconnection: the answer is for now.
  const redis = new Redis(url, {
    ...redisOptionsOf(config.redis, 'bulwark-config-check'),
    retryStrategy: () => null,
  })
  // The connection's own error (ECONNREFUSED, WRONGPASS) says more than the rejection that follows it.
  let cause: Error | undefined
  redis.on('error', (error: Error) => (cause ??= error))
  try {
    await redis.connect()
    await redis.ping()
    return `redis: ${where} answers`
  } catch (error) {
    return `redis: no answer from ${where} (${(cause ?? (error as Error)).message}); the server starts anyway and keeps retrying, with local fallbacks meanwhile`
  } finally {
    redis.disconnect()
  }
}
