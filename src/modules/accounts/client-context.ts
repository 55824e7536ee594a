// The client behind a request as the accounts services see it: address, request id and user agent.
import type { FastifyRequest } from 'fastify'

/** What a service records about the caller's client (audit events, sessions); empty from the CLI. */
export interface ClientContext {
  ip?: string | undefined
  requestId?: string | undefined
  userAgent?: string | undefined
}

export function contextOf(request: FastifyRequest): ClientContext {
  return { ip: request.ip, requestId: request.id, userAgent: request.headers['user-agent'] }
}
