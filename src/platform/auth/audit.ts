// Security events: one row in audit_log and one structured log line each, never with a secret in either.
import type { FastifyBaseLogger } from 'fastify'
import type { Generated } from 'kysely'
import type { AnyDatabase } from '../db/database.ts'

export type AuditEventName =
  | 'auth.login'
  | 'auth.lockout'
  | 'auth.logout'
  | 'auth.logout_all'
  | 'auth.password_changed'
  | 'auth.refresh_token_reused'
  | 'auth.permission_denied'
  | 'auth.session_revoked'
  | 'auth.mfa_enabled'
  | 'auth.mfa_disabled'
  | 'auth.recovery_code_used'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'user.created'

export interface AuditEvent {
  event: AuditEventName
  outcome: 'success' | 'failure'
  /** Who acted: a principal id, or undefined for an unauthenticated caller. */
  actor?: string | undefined
  /** What it was about: a user id, key id, session id, or a normalised email for unknown accounts. */
  subject?: string | undefined
  ip?: string | undefined
  requestId?: string | undefined
  /** Non-secret facts (reason, scopes, route). */
  detail?: Record<string, unknown>
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>
}

/** Where the events of one request come from: the client address and the request id. */
export interface AuditOrigin {
  ip?: string | undefined
  requestId?: string | undefined
}

/** An event without its origin, which auditFor adds. */
export type AuditEntry = Omit<AuditEvent, 'ip' | 'requestId'>

/** Records the events of one request, its origin given once: `const audit = auditFor(log, context)`. */
export function auditFor(log: AuditLog, origin: AuditOrigin): (entry: AuditEntry) => Promise<void> {
  return (entry) => log.record({ ...entry, ip: origin.ip, requestId: origin.requestId })
}

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

/**
 * Writes each event to the database and the log. A failed insert does not fail the request that caused
 * it (the log line is still written, at error level, so the event is not lost).
 */
export function createAuditLog(database: AnyDatabase, logger: FastifyBaseLogger): AuditLog {
  const db = database.withTables<AuditTables>()
  return {
    async record(event) {
      const line = {
        audit: {
          event: event.event,
          outcome: event.outcome,
          actor: event.actor,
          subject: event.subject,
          ip: event.ip,
          ...event.detail,
        },
        request_id: event.requestId,
      }
      try {
        await db
          .insertInto('audit_log')
          .values({
            event: event.event,
            outcome: event.outcome,
            actor: event.actor ?? null,
            subject: event.subject ?? null,
            ip: event.ip ?? null,
            request_id: event.requestId ?? null,
            detail: JSON.stringify(event.detail ?? {}),
          })
          .execute()
        logger.info(line, 'security event')
      } catch (error) {
        logger.error({ ...line, error }, 'security event not stored in audit_log')
      }
    },
  }
}
