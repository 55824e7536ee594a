// The accounts' security events: their names, and the audit_log table (migration 0004_accounts) that
// app.ts gives platform/auth's audit log as its store.
import type { AuditLog, AuditStore } from '../../platform/auth/audit.ts'
import type { AnyDatabase } from '../../platform/db/database.ts'
import type { AuditTables } from './tables.ts'

export type AccountsAuditEvent =
  | 'auth.login'
  | 'auth.lockout'
  | 'auth.logout'
  | 'auth.logout_all'
  | 'auth.password_changed'
  | 'auth.refresh_token_reused'
  | 'auth.session_revoked'
  | 'auth.mfa_enabled'
  | 'auth.mfa_disabled'
  | 'auth.recovery_code_used'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'user.created'
  | 'user.registration_existing'

/** What the accounts services record to. */
export type AccountsAuditLog = AuditLog<AccountsAuditEvent>

export function createAuditStore(database: AnyDatabase): AuditStore {
  const db = database.withTables<AuditTables>()
  return {
    name: 'audit_log',
    async insert(record) {
      await db.insertInto('audit_log').values(record).execute()
    },
  }
}
