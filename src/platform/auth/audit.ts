// Security events: one stored record and one structured log line each, never with a secret in either. The
// app names its events (a string union per log) and gives the store they are written to.
import type { FastifyBaseLogger } from 'fastify'
import { Counter, type Registry } from 'prom-client'

/** The events the gate itself records; every other name comes from the app's modules. */
export type GateAuditEvent = 'auth.lockout' | 'auth.permission_denied'

export interface AuditEvent<E extends string = string> {
  event: E
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

/** Records events named by E: `AuditLog<'user.created' | …>` accepts no other name. */
export interface AuditLog<E extends string = string> {
  record(event: AuditEvent<E>): Promise<void>
}

/** One event as it is stored. */
export interface AuditRecord {
  event: string
  outcome: string
  actor: string | null
  subject: string | null
  ip: string | null
  request_id: string | null
  /** The detail as JSON. */
  detail: string
}

/** Where events are stored (the accounts module's audit_log table in this service). */
export interface AuditStore {
  /** Names the store in the log line of an event it could not store. */
  name: string
  insert(record: AuditRecord): Promise<void>
}

/** Where the events of one request come from: the client address and the request id. */
export interface AuditOrigin {
  ip?: string | undefined
  requestId?: string | undefined
}

/** An event without its origin, which recordAudit adds. */
export type AuditEntry<E extends string = string> = Omit<AuditEvent<E>, 'ip' | 'requestId'>

/** Records one event of a request, adding its origin: `recordAudit(log, context, { event, outcome })`. */
export function recordAudit<E extends string>(
  log: AuditLog<E>,
  origin: AuditOrigin,
  entry: AuditEntry<E>,
): Promise<void> {
  return log.record({ ...entry, ip: origin.ip, requestId: origin.requestId })
}

/**
 * Writes each event to the store and the log. A failed insert does not fail the request that caused it
 * (the log line is still written, at error level, so the event is not lost).
 */
export function createAuditLog(store: AuditStore, logger: FastifyBaseLogger, metrics?: Registry): AuditLog {
  // Event names are the code's own (a union per module), outcomes two: the series count is bounded.
  const events =
    metrics === undefined
      ? undefined
      : new Counter<'event' | 'outcome'>({
          name: 'audit_events_total',
          help: 'Security events by name and outcome: logins and their failures, lock-outs (auth.lockout), denials, key and account changes.',
          labelNames: ['event', 'outcome'],
          registers: [metrics],
        })
  return {
    async record(event) {
      events?.inc({ event: event.event, outcome: event.outcome })
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
        await store.insert({
          event: event.event,
          outcome: event.outcome,
          actor: event.actor ?? null,
          subject: event.subject ?? null,
          ip: event.ip ?? null,
          request_id: event.requestId ?? null,
          detail: JSON.stringify(event.detail ?? {}),
        })
        logger.info(line, 'security event')
      } catch (error) {
        logger.error({ ...line, error }, `security event not stored in ${store.name}`)
      }
    },
  }
}
