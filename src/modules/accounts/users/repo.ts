// SQL for users, their two-factor state and recovery codes.
import { sql, type Kysely, type Selectable } from 'kysely'
import type { AnyDatabase } from '../../../platform/db/database.ts'
import { withTransaction } from '../../../platform/db/transaction.ts'
import type { AccountsTables, Role } from '../tables.ts'

export type UserRow = Selectable<AccountsTables['users']>

export interface NewUser {
  id: string
  email: string
  password_hash: string
  role: Role
}

/** What an access token's holder looks like right now: read at most once a second per token. */
export interface TokenState {
  tokenVersion: number
  role: Role
  sessionActive: boolean
  denied: boolean
}

export function createUsersRepo(database: AnyDatabase) {
  const db: Kysely<AccountsTables> = database.withTables<AccountsTables>()
  const findByEmail = (email: string) =>
    db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
  return {
    /** The new user, or undefined when the email is taken. */
    async insert(user: NewUser): Promise<UserRow | undefined> {
      return db
        .insertInto('users')
        .values(user)
        .onConflict((oc) => oc.column('email').doNothing())
        .returningAll()
        .executeTakeFirst()
    },

    /**
     * Self-registration: inserts the user unless the email is taken, and answers the id of the account that
     * has the email either way, in one statement, so a taken address costs the database what a new one does.
     */
    async insertOrFind(user: NewUser): Promise<{ id: string; created: boolean }> {
      // The outer select reads the statement's snapshot: it finds an account that existed before, never the
      // row the CTE inserts, so exactly one branch answers.
      const result = await sql<{ id: string; created: boolean }>`
        with inserted as (
          insert into users (id, email, password_hash, role)
          values (${user.id}, ${user.email}, ${user.password_hash}, ${user.role})
          on conflict (email) do nothing
          returning id
        )
        select id, true as created from inserted
        union all
        select id, false as created from users where email = ${user.email}`.execute(db)
      const row = result.rows[0]
      if (row !== undefined) return row
      // A concurrent registration committed the email after this statement's snapshot was taken.
      const existing = await findByEmail(user.email)
      if (existing === undefined) throw new Error('users: the email conflicted but no account has it')
      return { id: existing.id, created: false }
    },

    findByEmail,
    findById: (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),

    async setPasswordHash(id: string, hash: string, revokeTokens: boolean): Promise<void> {
      await db
        .updateTable('users')
        .set({
          password_hash: hash,
          updated_at: sql<Date>`now()`,
          ...(revokeTokens ? { token_version: sql<number>`token_version + 1` } : {}),
        })
        .where('id', '=', id)
        .execute()
    },

    async bumpTokenVersion(id: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ token_version: sql<number>`token_version + 1`, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute()
    },

    async tokenState(userId: string, sessionId: string, jti: string): Promise<TokenState | undefined> {
      const result = await sql<{
        token_version: number
        role: Role
        session_active: boolean
        denied: boolean
      }>`
        select u.token_version, u.role,
          exists (select 1 from auth_sessions s
                  where s.id = ${sessionId} and s.user_id = u.id and s.revoked_at is null and s.expires_at > now()
          ) as session_active,
          exists (select 1 from revoked_tokens r where r.jti = ${jti}) as denied
        from users u where u.id = ${userId}`.execute(db)
      const row = result.rows[0]
      if (row === undefined) return undefined
      return {
        tokenVersion: row.token_version,
        role: row.role,
        sessionActive: row.session_active,
        denied: row.denied,
      }
    },

    async setPendingTotp(id: string, encryptedSecret: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ totp_pending_secret: encryptedSecret })
        .where('id', '=', id)
        .execute()
    },

    /** Activates the pending secret and stores fresh recovery codes, in one transaction. */
    async enableTotp(id: string, step: number, recoveryDigests: readonly string[]): Promise<boolean> {
      return withTransaction(db, async (trx) => {
        const updated = await trx
          .updateTable('users')
          .set({
            totp_secret: sql<string>`totp_pending_secret`,
            totp_pending_secret: null,
            totp_enabled_at: sql<Date>`now()`,
            totp_last_step: String(step),
            updated_at: sql<Date>`now()`,
          })
          .where('id', '=', id)
          .where('totp_pending_secret', 'is not', null)
          .where('totp_secret', 'is', null)
          .executeTakeFirst()
        if (updated.numUpdatedRows === 0n) return false
        await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', id).execute()
        await trx
          .insertInto('mfa_recovery_codes')
          .values(recoveryDigests.map((digest) => ({ user_id: id, digest, used_at: null })))
          .execute()
        return true
      })
    },

    async disableTotp(id: string): Promise<void> {
      await withTransaction(db, async (trx) => {
        await trx
          .updateTable('users')
          .set({
            totp_secret: null,
            totp_pending_secret: null,
            totp_enabled_at: null,
            totp_last_step: null,
            updated_at: sql<Date>`now()`,
          })
          .where('id', '=', id)
          .execute()
        await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', id).execute()
      })
    },

    /** Records a TOTP step as used; false when it (or a later one) was used already: a replay. */
    async claimTotpStep(id: string, step: number): Promise<boolean> {
      const updated = await db
        .updateTable('users')
        .set({ totp_last_step: String(step) })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', String(step))]))
        .executeTakeFirst()
      return updated.numUpdatedRows > 0n
    },

    /** Uses a recovery code once; false when it is unknown or used. */
    async claimRecoveryCode(id: string, digest: string): Promise<boolean> {
      const updated = await db
        .updateTable('mfa_recovery_codes')
        .set({ used_at: sql<Date>`now()` })
        .where('user_id', '=', id)
        .where('digest', '=', digest)
        .where('used_at', 'is', null)
        .executeTakeFirst()
      return updated.numUpdatedRows > 0n
    },

    async remainingRecoveryCodes(id: string): Promise<number> {
      const row = await db
        .selectFrom('mfa_recovery_codes')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('user_id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow()
      return Number(row.count)
    },
  }
}

export type UsersRepo = ReturnType<typeof createUsersRepo>
