// SQL for API keys.
import { sql, type Kysely, type Selectable } from 'kysely'
import type { AnyDatabase } from '../../../platform/db/database.ts'
import type { AccountsTables } from '../tables.ts'

export type ApiKeyRow = Selectable<AccountsTables['api_keys']>
export type NewApiKeyRow = Omit<ApiKeyRow, 'created_at' | 'last_used_at' | 'revoked_at'>

export interface ApiKeysStore {
  insert(row: NewApiKeyRow): Promise<ApiKeyRow>
  findByPublicId(publicId: string): Promise<ApiKeyRow | undefined>
  findById(id: string): Promise<ApiKeyRow | undefined>
  /** Newest first, after the (created_at, id) cursor; owner undefined lists every owner's keys. */
  list(
    owner: string | undefined,
    limit: number,
    after: { createdAt: Date; id: string } | undefined,
  ): Promise<ApiKeyRow[]>
  /** Sets revoked_at once; returns the row (revoked earlier or now). */
  revoke(id: string): Promise<ApiKeyRow | undefined>
  /** Records last use, never moving it backwards. */
  touch(uses: ReadonlyMap<string, Date>): Promise<void>
  /** True when no API key and no user exists yet (first start). */
  isEmpty(): Promise<boolean>
  /** Whether any credential was ever used: a key with last_used_at, or an account (which logs in). */
  anyUsed(): Promise<boolean>
}

export function createApiKeysRepo(database: AnyDatabase): ApiKeysStore {
  const db: Kysely<AccountsTables> = database.withTables<AccountsTables>()
  return {
    async insert(row) {
      return db
        .insertInto('api_keys')
        .values({ ...row, scopes: sql`${row.scopes}::text[]` as unknown as string[] })
        .returningAll()
        .executeTakeFirstOrThrow()
    },
    findByPublicId: (publicId) =>
      db.selectFrom('api_keys').selectAll().where('public_id', '=', publicId).executeTakeFirst(),
    findById: (id) => db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    async list(owner, limit, after) {
      let query = db.selectFrom('api_keys').selectAll()
      if (owner !== undefined) query = query.where('owner_id', '=', owner)
      if (after !== undefined) {
        query = query.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)),
        )
      }
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
    },
    async revoke(id) {
      return db
        .updateTable('api_keys')
        .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst()
    },
    async touch(uses) {
      for (const [publicId, at] of uses) {
        await db
          .updateTable('api_keys')
          .set({ last_used_at: at })
          .where('public_id', '=', publicId)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
          .execute()
      }
    },
    async isEmpty() {
      const row = await sql<{ empty: boolean }>`
        select not exists (select 1 from api_keys) and not exists (select 1 from users) as empty
      `.execute(db)
      return row.rows[0]?.empty === true
    },
    async anyUsed() {
      const row = await sql<{ used: boolean }>`
        select exists (select 1 from api_keys where last_used_at is not null) or exists (select 1 from users) as used
      `.execute(db)
      return row.rows[0]?.used === true
    },
  }
}
