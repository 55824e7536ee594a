// First start outside production: with no API key and no user in the database, create an admin key and
// print it once, so a newcomer can call the API right away. Production never creates a key implicitly.
import type { FastifyBaseLogger } from 'fastify'
import { sql } from 'kysely'
import type { Database } from '../platform/db/database.ts'
import { SCOPES } from '../scopes.ts'
import type { ApiKeysService } from '../modules/accounts/api-keys/service.ts'

export async function createFirstAdminKey(
  apiKeys: ApiKeysService,
  database: Database,
  log: FastifyBaseLogger,
): Promise<string | undefined> {
  const create = async () => {
    if (!(await apiKeys.isEmpty())) return undefined
    const { key, apiKey } = await apiKeys.create('cli', { name: 'first-start admin', scopes: [...SCOPES] })
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
