// SQL for login sessions (refresh-token families), refresh-token rotation and the access-token deny-list.
import { sql, type Kysely, type Selectable } from 'kysely'
import type { AnyDatabase } from '../../../platform/db/database.ts'
import { withTransaction } from '../../../platform/db/transaction.ts'
import type { AccountsTables } from '../tables.ts'

export type SessionRow = Selectable<AccountsTables['auth_sessions']>

export interface NewSession {
  id: string
  userId: string
  refreshDigest: string
  expiresAt: Date
  userAgent: string
  ip: string
}

export type RotateOutcome =
  | { kind: 'rotated'; session: SessionRow }
  /** The token had been exchanged before: the family is now revoked. */
  | { kind: 'reused'; session: SessionRow }
  | { kind: 'invalid' }

const PURGE_BATCH = 100

export function createSessionsRepo(database: AnyDatabase) {
  const db: Kysely<AccountsTables> = database.withTables<AccountsTables>()
  return {
    async create(session: NewSession): Promise<void> {
      await withTransaction(db, async (trx) => {
        await trx
          .insertInto('auth_sessions')
          .values({
            id: session.id,
            user_id: session.userId,
            expires_at: session.expiresAt,
            user_agent: session.userAgent,
            ip: session.ip,
          })
          .execute()
        await trx
          .insertInto('refresh_tokens')
          .values({ digest: session.refreshDigest, session_id: session.id, expires_at: session.expiresAt })
          .execute()
      })
    },

    /**
     * Exchanges a refresh token for a new one in one transaction. The old row is locked, so two concurrent
     * uses of one token cannot both succeed: the second one is reuse.
     */
    async rotate(
      digest: string,
      next: { digest: string; expiresAt: Date; userAgent: string; ip: string },
    ): Promise<RotateOutcome> {
      return withTransaction(db, async (trx) => {
        const token = await trx
          .selectFrom('refresh_tokens')
          .selectAll()
          .where('digest', '=', digest)
          .forUpdate()
          .executeTakeFirst()
        if (token === undefined) return { kind: 'invalid' }
        const session = await trx
          .selectFrom('auth_sessions')
          .selectAll()
          .where('id', '=', token.session_id)
          .forUpdate()
          .executeTakeFirstOrThrow()
        if (session.revoked_at !== null) return { kind: 'invalid' }
        if (token.used_at !== null) {
          const revoked = await trx
            .updateTable('auth_sessions')
            .set({ revoked_at: sql<Date>`now()`, revoked_reason: 'refresh_token_reused' })
            .where('id', '=', session.id)
            .returningAll()
            .executeTakeFirstOrThrow()
          return { kind: 'reused', session: revoked }
        }
        const now = Date.now()
        if (token.expires_at.getTime() <= now || session.expires_at.getTime() <= now)
          return { kind: 'invalid' }
        await trx
          .updateTable('refresh_tokens')
          .set({ used_at: sql<Date>`now()` })
          .where('digest', '=', digest)
          .execute()
        await trx
          .insertInto('refresh_tokens')
          .values({ digest: next.digest, session_id: session.id, expires_at: next.expiresAt })
          .execute()
        const updated = await trx
          .updateTable('auth_sessions')
          .set({
            last_used_at: sql<Date>`now()`,
            expires_at: next.expiresAt,
            user_agent: next.userAgent,
            ip: next.ip,
          })
          .where('id', '=', session.id)
          .returningAll()
          .executeTakeFirstOrThrow()
        return { kind: 'rotated', session: updated }
      })
    },

    /** Revokes one active session of a user; false when there is none with this id. */
    async revoke(userId: string, sessionId: string, reason: string): Promise<boolean> {
      const updated = await db
        .updateTable('auth_sessions')
        .set({ revoked_at: sql<Date>`now()`, revoked_reason: reason })
        .where('id', '=', sessionId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return updated.numUpdatedRows > 0n
    },

    async revokeAll(userId: string, reason: string): Promise<void> {
      await db
        .updateTable('auth_sessions')
        .set({ revoked_at: sql<Date>`now()`, revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute()
    },

    /** Active sessions, newest first (bounded: a user rarely has more than a handful). */
    listActive(userId: string, limit: number): Promise<SessionRow[]> {
      return db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute()
    },

    /** Deny-lists an access token until it expires; purges a few rows that no longer matter. */
    async deny(jti: string, expiresAt: Date): Promise<void> {
      await db
        .insertInto('revoked_tokens')
        .values({ jti, expires_at: expiresAt })
        .onConflict((oc) => oc.column('jti').doNothing())
        .execute()
      await sql`
        delete from revoked_tokens where jti in (
          select jti from revoked_tokens where expires_at < now() - interval '5 minutes' limit ${PURGE_BATCH}
        )`.execute(db)
    },
  }
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>
