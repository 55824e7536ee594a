// First start outside production: with no API key and no user in the database, create an admin key and
// print it once, so a newcomer can call the API right away. Production never creates a key implicitly.
// Runs once per start of the service, once it listens and its database is prepared.
import type { FastifyBaseLogger } from 'fastify'
import { sql } from 'kysely'
import type { Database } from '../../platform/db/database.ts'
import type { Scope } from '../../platform/auth/principal.ts'
import type { ApiKeysService } from './api-keys/service.ts'

export interface FirstKeyOptions {
  /** Every scope the service has: the first key is an administrator's. */
  scopes: readonly Scope[]
  /** Production only says how to create a key; elsewhere the first one is created and printed. */
  production: boolean
  apiKeys: ApiKeysService
  database: Database
  log: FastifyBaseLogger
  /** The local address the printed curl calls. */
  baseUrl: string
  /** Where the banner goes: stderr, never the (shipped) JSON log. */
  write: (text: string) => void
}

/**
 * Outside production: with no API key and no user, create an admin key and print it at once; with keys of
 * which none was ever used, say how to make one. Production only warns when there is none. A failure is
 * logged, never thrown: serving (and failing readiness) beats exiting.
 */
export async function offerFirstAdminKey(options: FirstKeyOptions): Promise<void> {
  const { apiKeys, database, log, write } = options
  try {
    if (!options.production) {
      const key = await createFirstAdminKey(apiKeys, database, log, options.scopes)
      if (key !== undefined) printFirstAdminKey(key, options.baseUrl, write)
      else if (!(await apiKeys.anyUsed())) {
        // Keys exist but none was ever used: the first one may have been lost. Say how to make another.
        printCreateKeyHint(database.backend !== 'postgres', write)
      }
    } else if (await apiKeys.isEmpty()) {
      log.warn(
        'no API key or user exists: create one with `npx bulwark keys create` or `npx bulwark users create`',
      )
    }
  } catch (error) {
    // Pending migrations (MIGRATE_ON_START=false) or an outage.
    log.warn({ error }, 'could not check for a first admin API key')
  }
}

export async function createFirstAdminKey(
  apiKeys: ApiKeysService,
  database: Database,
  log: FastifyBaseLogger,
  scopes: readonly Scope[],
): Promise<string | undefined> {
  const create = async () => {
    if (!(await apiKeys.isEmpty())) return undefined
    const { key, apiKey } = await apiKeys.create('cli', { name: 'first-start admin', scopes: [...scopes] })
    log.warn(
      { key_id: apiKey.id, prefix: apiKey.prefix },
      'created the first admin API key (printed once on stderr)',
    )
    return key
  }
  if (database.backend !== 'postgres') return create()
  // Several instances starting on an empty PostgreSQL database: one creates the key, the others see it.
  return database.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('bulwark:first-admin-key'))`.execute(trx)
    return create()
  })
}

/** The banner with the key and a working curl; on stderr, never in the (shipped) JSON log. */
export function printFirstAdminKey(key: string, baseUrl: string, write: (text: string) => void): void {
  write(
    [
      '',
      '  Bulwark created the first admin API key. It is shown only this once; store it now:',
      '',
      `    ${key}`,
      '',
      '  Try it:',
      `    curl -H "Authorization: Bearer ${key}" ${baseUrl}/api/v1/math/fibonacci/10`,
      '',
      '  Create more with `npx bulwark keys create --name NAME --scopes math:read,plans:read`.',
      '',
    ].join('\n') + '\n',
  )
}

/** On a start where keys exist but none was ever used (the first key may be lost): how to make one. */
export function printCreateKeyHint(embedded: boolean, write: (text: string) => void): void {
  write(
    [
      '',
      '  No API key of this database has been used yet. If you do not have one, create one:',
      '',
      '    npx bulwark keys create --name me --scopes admin',
      '',
      ...(embedded
        ? ['  (stop this server first: the embedded database in DATA_DIR serves one process)', '']
        : []),
    ].join('\n') + '\n',
  )
}
