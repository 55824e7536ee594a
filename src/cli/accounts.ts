// `bulwark keys create|list|revoke` and `bulwark users create`: credentials managed from the command line
// against the configured database (pending migrations are applied first when MIGRATE_ON_START is set).
// Options are parsed in commands.ts; these runners check their values and do the work.
import pino from 'pino'
import { createMemoryAttemptStore } from '../platform/auth/attempts.ts'
import { createAuditLog } from '../platform/auth/audit.ts'
import type { Scope } from '../platform/auth/principal.ts'
import { AppError } from '../platform/errors/app-error.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAccounts, CREDENTIAL_CACHE_TTL_MS } from '../modules/accounts/accounts.ts'
import { publishInvalidation } from '../platform/cache/redis-invalidation-bus.ts'
import { createDegradationTracker } from '../platform/health/degraded.ts'
import { createRedisClient } from '../platform/redis/client.ts'
import { createAuditStore } from '../modules/accounts/audit.ts'
import { isScope, SCOPE_POLICY } from '../scopes.ts'
import { API_KEYS_CACHE, type ApiKeyView } from '../modules/accounts/api-keys/service.ts'
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts'
import { describeDatabaseFailure } from '../platform/db/connection-failure.ts'
import { openDatabase } from '../platform/db/prepare.ts'
import { MIGRATIONS } from '../db/migrations.ts'
import { CommandFailure, UsageError, type Invocation } from './commands.ts'
import type { Config } from '../platform/config/config.ts'

type Out = (line: string) => void

/** Opens the database and the accounts services; closes them after `work`. */
async function withAccounts(
  config: Readonly<Config>,
  work: (accounts: Awaited<ReturnType<typeof createAccounts>>) => Promise<number>,
) {
  // Log lines (audit events, warnings) go to stderr; stdout carries only the command's output.
  const logger = pino({ level: 'warn', messageKey: 'message' }, pino.destination(2))
  const database = await openDatabase(config.db, MIGRATIONS, logger).catch((error: unknown) => {
    if (error instanceof DataDirLockedError) throw error
    throw new CommandFailure(describeDatabaseFailure(error, config.db).message, { cause: error })
  })
  const lockout = { threshold: 1000, windowMs: 1, baseLockMs: 1, maxLockMs: 1 }
  try {
    const accounts = await createAccounts(config, {
      database: database.db,
      audit: createAuditLog(createAuditStore(database.db), logger),
      logger,
      scopes: SCOPE_POLICY,
      attempts: { account: createMemoryAttemptStore(lockout), ip: createMemoryAttemptStore(lockout) },
    })
    try {
      return await work(accounts)
    } finally {
      await accounts.apiKeys.close()
    }
  } finally {
    await database.close()
  }
}

function failed(out: Out, error: unknown): number {
  if (error instanceof AppError) {
    out(`error: ${error.code}: ${error.detail ?? error.title}`)
    return 1
  }
  throw error
}

/** `--expires 2027-01-31` or `--expires 90d`. */
export function parseExpiry(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined) return undefined
  const days = /^(\d{1,5})d$/.exec(value)
  const date = days?.[1] === undefined ? new Date(value) : new Date(now + Number(days[1]) * 86_400_000)
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--expires: "${value}" is neither a date nor a number of days (90d)`)
  return date.toISOString()
}

/** `keys create`: --name and --scopes are present (commands.ts checks); the scopes must be known. */
export async function createKey(
  config: Readonly<Config>,
  { values, out }: Pick<Invocation, 'values' | 'out'>,
): Promise<number> {
  const scopes = String(values.scopes)
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '')
  const unknown = scopes.filter((scope) => !isScope(scope))
  if (unknown.length > 0) throw new UsageError(`unknown scope(s): ${unknown.join(', ')}`)
  if (scopes.length === 0) throw new UsageError('--scopes names no scope')
  const expires = parseExpiry(typeof values.expires === 'string' ? values.expires : undefined)
  return withAccounts(config, async ({ apiKeys }) => {
    try {
      const { key, apiKey } = await apiKeys.create('cli', {
        name: String(values.name),
        scopes: scopes as Scope[],
        expires_at: expires,
        owner_id: typeof values.owner === 'string' ? values.owner : undefined,
      })
      out(key)
      out(
        `id ${apiKey.id}  prefix ${apiKey.prefix}  owner ${apiKey.owner_id}  scopes ${apiKey.scopes.join(',')}  expires ${apiKey.expires_at ?? 'never'}`,
      )
      out('The key is shown only now; store it in your secret manager.')
      return 0
    } catch (error) {
      return failed(out, error)
    }
  })
}

/** The state a key is in now. */
function stateOf(key: ApiKeyView, now: number): string {
  if (key.revoked_at !== null) return 'revoked'
  if (key.expires_at !== null && Date.parse(key.expires_at) <= now) return 'expired'
  return 'active'
}

/** Rows as columns as wide as their widest cell; the last column is not padded. */
export function columns(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, index) => Math.max(...rows.map((row) => row[index]?.length ?? 0))) ?? []
  return rows.map((row) =>
    row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('  '),
  )
}

/** `keys list`: every key, aligned whatever its scopes, with when it was last used. */
export async function listKeys(config: Readonly<Config>, out: Out): Promise<number> {
  return withAccounts(config, async ({ apiKeys }) => {
    const rows: string[][] = [['id', 'prefix', 'scopes', 'state', 'last_used_at', 'name']]
    const now = Date.now()
    let cursor: string | undefined
    do {
      const page = await apiKeys.list('cli', 200, cursor)
      for (const key of page.items) {
        rows.push([
          key.id,
          key.prefix,
          key.scopes.join(','),
          stateOf(key, now),
          key.last_used_at ?? 'never',
          key.name,
        ])
      }
      cursor = page.next_cursor ?? undefined
    } while (cursor !== undefined)
    for (const line of columns(rows)) out(line)
    return 0
  })
}

/** Lines for stderr: stdout carries only the command's output. */
const warn = (line: string) => process.stderr.write(`${line}\n`)

/**
 * With REDIS_URL, tells every running server through Redis to forget the keys it verified, so the revoked
 * one is refused at once; without Redis, or when it does not answer, they refuse it within the credential
 * cache's TTL (CREDENTIAL_CACHE_TTL_MS), and `warn` says so in one line.
 */
async function announceRevocation(config: Readonly<Config>, warn: Out): Promise<void> {
  const { url } = config.redis
  if (url === undefined) return
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined }
  const degradation = createDegradationTracker({ log: quiet })
  const client = createRedisClient(
    { ...config.redis, url },
    { log: quiet, degradation, connectionName: 'bulwark:cli' },
  )
  try {
    const deadline = performance.now() + config.redis.connectTimeoutMs
    while (!client.isReady()) {
      if (performance.now() > deadline) throw new Error('Redis did not answer')
      await sleep(20)
    }
    await publishInvalidation(client, { cache: API_KEYS_CACHE })
  } catch (error) {
    warn(
      `warning: could not tell running servers through Redis (${error instanceof Error ? error.message : String(error)}); they refuse the key within ${String(CREDENTIAL_CACHE_TTL_MS)} ms`,
    )
  } finally {
    await client.close()
  }
}

/** `keys revoke ID|PREFIX`. */
export async function revokeKey(config: Readonly<Config>, idOrPrefix: string, out: Out): Promise<number> {
  return withAccounts(config, async ({ apiKeys }) => {
    try {
      const key = await apiKeys.revoke('cli', idOrPrefix)
      out(`revoked ${key.prefix} (${key.name}) at ${key.revoked_at ?? ''}`)
      await announceRevocation(config, warn)
      return 0
    } catch (error) {
      return failed(out, error)
    }
  })
}

/** BULWARK_PASSWORD, or standard input (one line; never a command-line argument, which `ps` shows). */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.BULWARK_PASSWORD
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

/** `users create --email EMAIL [--role user|admin]`. */
export async function createUser(
  config: Readonly<Config>,
  { values, out }: Pick<Invocation, 'values' | 'out'>,
  password: () => Promise<string> = readPassword,
): Promise<number> {
  const role = values.role
  if (role !== 'user' && role !== 'admin')
    throw new UsageError(`--role must be user or admin, not "${String(role)}"`)
  const secret = await password()
  return withAccounts(config, async ({ users }) => {
    try {
      const user = await users.createUser('cli', { email: String(values.email), password: secret, role })
      out(`created ${user.role} ${user.email} (${user.id})`)
      return 0
    } catch (error) {
      return failed(out, error)
    }
  })
}
