// The accounts tables as Kysely sees them (migration 0004_accounts).
import type { Generated } from 'kysely'

export type Role = 'admin' | 'user'

/** Security events, written through platform/auth's audit log (see audit.ts). */
export type AuditTables = {
  audit_log: {
    id: Generated<string>
    at: Generated<Date>
    event: string
    outcome: string
    actor: string | null
    subject: string | null
    ip: string | null
    request_id: string | null
    detail: unknown
  }
}

export type AccountsTables = AuditTables & {
  users: {
    id: string
    email: string
    password_hash: string
    role: Role
    token_version: Generated<number>
    totp_secret: string | null
    totp_pending_secret: string | null
    totp_enabled_at: Date | null
    totp_last_step: string | null
    created_at: Generated<Date>
    updated_at: Generated<Date>
  }
  mfa_recovery_codes: {
    user_id: string
    digest: string
    used_at: Date | null
  }
  api_keys: {
    id: string
    public_id: string
    secret_digest: string
    name: string
    owner_id: string
    created_by: string
    scopes: string[]
    created_at: Generated<Date>
    expires_at: Date | null
    last_used_at: Date | null
    revoked_at: Date | null
  }
  auth_sessions: {
    id: string
    user_id: string
    created_at: Generated<Date>
    last_used_at: Generated<Date>
    expires_at: Date
    user_agent: string
    ip: string
    revoked_at: Date | null
    revoked_reason: string | null
  }
  refresh_tokens: {
    digest: string
    session_id: string
    created_at: Generated<Date>
    expires_at: Date
    used_at: Date | null
  }
  revoked_tokens: {
    jti: string
    expires_at: Date
  }
}
