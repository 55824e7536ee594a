// The fields that tie a request's log lines together beyond its request_id: who called (user_id, and
// api_key_id for a key; never a secret, nothing for anonymous callers). The tracing work adds trace_id here.
import type { FastifyBaseLogger } from 'fastify'
import type { Logger } from 'pino'
import type { Principal } from '../auth/principal.ts'

/**
 * Adds the principal to every later line of the request's logger, the access line included. Fastify makes
 * one child logger per request, so the bindings are that request's alone; pino serialises them once here,
 * not per line. Anonymous callers add nothing.
 */
export function bindPrincipal(log: FastifyBaseLogger, principal: Principal): void {
  if (principal.kind === 'anonymous') return
  // Fastify types its logger as pino's BaseLogger; the instance is the pino child it made for the request.
  ;(log as unknown as Pick<Logger, 'setBindings'>).setBindings(
    principal.kind === 'api_key'
      ? { user_id: principal.id, api_key_id: principal.credentialId }
      : { user_id: principal.id },
  )
}
