// The handler deadline: a request not answered within its time gets 503 HANDLER_TIMEOUT.
// Fastify's own handlerTimeout would do this too, but it builds an AbortController per request and
// aborts it (a DOMException with a stack) when every request closes: ~6 % of CPU measured on a small
// POST. A plain timer per request costs a fraction of that; nothing here needs request.signal.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { platformErrors } from '../errors/catalog.ts'

declare module 'fastify' {
  interface FastifyRequest {
    deadline: NodeJS.Timeout | null
  }
}

function onDeadline(reply: FastifyReply): void {
  if (reply.sent || reply.raw.destroyed) return
  if (reply.raw.headersSent) {
    // A response already on its way cannot become an error body: end it abruptly instead.
    reply.raw.destroy()
    return
  }
  reply.send(platformErrors.HANDLER_TIMEOUT({ headers: { 'retry-after': '1' } }))
}

export function startDeadline(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  request.deadline = setTimeout(onDeadline, timeoutMs, reply)
}

export function clearDeadline(request: FastifyRequest): void {
  if (request.deadline !== null) clearTimeout(request.deadline)
}
