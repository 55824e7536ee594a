// `bulwark keys create|list|revoke` and `bulwark users create`: credentials managed from the command line
// against the configured database (pending migrations are applied first when MIGRATE_ON_START is set).
import { parseArgs } from 'node:util'
import pino from 'pino'
import { createMemoryAttemptStore } from '../platform/auth/attempts.ts'
import { createAuditLog } from '../platform/auth/audit.ts'
import { isScope, type Scope } from '../platform/auth/principal.ts'
import type { Config } from '../platform/config/config.ts'
import { AppError } from '../platform/errors/app-error.ts'
import { createAccounts } from '../modules/accounts/accounts.ts'
import { openDatabase } from '../server/database.ts'

type Out = (line: string) => void

const KEYS_USAGE = `Usage:
  bulwark keys create --name NAME --scopes SCOPE[,SCOPE...] [--expires DATE|DAYSd] [--owner ID]
  bulwark keys list
  bulwark keys revoke ID|PREFIX
Scopes: math:read, plans:read, plans:write, admin`

const USERS_USAGE = `Usage:
  bulwark users create --email EMAIL [--role user|admin]
The password is read from BULWARK_PASSWORD, or from standard input.`

/** Opens the database and the accounts services; closes them after `work`. */
async function withAccounts(
  config: Readonly<Config>,
  work: (accounts: Awaited<ReturnType<typeof createAccounts>>) => Promise<number>,
) {
  // Log lines (audit events, warnings) go to stderr; stdout carries only the command's output.
  const logger = pino({ level: 'warn', messageKey: 'message' }, pino.destination(2))
  const database = await openDatabase(config, logger)
  const lockout = { threshold: 1000, windowMs: 1, baseLockMs: 1, maxLockMs: 1 }
  const accounts = await createAccounts(config, {
    database: database.db,
    audit: createAuditLog(database.db, logger),
    logger,
    attempts: { account: createMemoryAttemptStore(lockout), ip: createMemoryAttemptStore(lockout) },
  })
  try {
    return await work(accounts)
  } finally {
    await accounts.apiKeys.close()
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
    throw new Error(`--expires: "${value}" is neither a date nor a number of days (90d)`)
  return date.toISOString()
}

export async function runKeys(config: Readonly<Config>, args: readonly string[], out: Out): Promise<number> {
  const [command, ...rest] = args
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      expires: { type: 'string' },
      owner: { type: 'string' },
    },
  })
  if (command === 'create') {
    const scopes = (values.scopes ?? '')
      .split(',')
      .map((scope) => scope.trim())
      .filter((scope) => scope !== '')
    const unknown = scopes.filter((scope) => !isScope(scope))
    if (values.name === undefined || scopes.length === 0 || unknown.length > 0) {
      if (unknown.length > 0) out(`error: unknown scope(s): ${unknown.join(', ')}`)
      out(KEYS_USAGE)
      return 2
    }
    const expires = parseExpiry(values.expires)
    return withAccounts(config, async ({ apiKeys }) => {
      try {
        const { key, apiKey } = await apiKeys.create('cli', {
          name: values.name ?? '',
          scopes: scopes as Scope[],
          expires_at: expires,
          owner_id: values.owner,
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
  if (command === 'list') {
    return withAccounts(config, async ({ apiKeys }) => {
      let cursor: string | undefined
      out(
        'id                                    prefix               scopes                     state    name',
      )
      do {
        const page = await apiKeys.list('cli', 200, cursor)
        for (const key of page.items) {
          const state =
            key.revoked_at !== null
              ? 'revoked'
              : key.expires_at !== null && Date.parse(key.expires_at) <= Date.now()
                ? 'expired'
                : 'active'
          out(
            `${key.id}  ${key.prefix.padEnd(19)}  ${key.scopes.join(',').padEnd(25)}  ${state.padEnd(7)}  ${key.name}`,
          )
        }
        cursor = page.next_cursor ?? undefined
      } while (cursor !== undefined)
      return 0
    })
  }
  if (command === 'revoke' && positionals.length === 1) {
    return withAccounts(config, async ({ apiKeys }) => {
      try {
        const key = await apiKeys.revoke('cli', positionals[0] ?? '')
        out(`revoked ${key.prefix} (${key.name}) at ${key.revoked_at ?? ''}`)
        return 0
      } catch (error) {
        return failed(out, error)
      }
    })
  }
  out(KEYS_USAGE)
  return 2
}

export async function runUsers(
  config: Readonly<Config>,
  args: readonly string[],
  password: () => Promise<string>,
  out: Out,
): Promise<number> {
  const [command, ...rest] = args
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, role: { type: 'string', default: 'user' } },
  })
  if (
    command !== 'create' ||
    values.email === undefined ||
    (values.role !== 'user' && values.role !== 'admin')
  ) {
    out(USERS_USAGE)
    return 2
  }
  const secret = await password()
  const role = values.role
  return withAccounts(config, async ({ auth }) => {
    try {
      const user = await auth.createUser('cli', { email: values.email ?? '', password: secret, role })
      out(`created ${user.role} ${user.email} (${user.id})`)
      return 0
    } catch (error) {
      return failed(out, error)
    }
  })
}
