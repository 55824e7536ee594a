// The request deadline: a request not answered within its time gets 503 HANDLER_TIMEOUT. It starts when
// the request arrives, so it covers authentication (which may wait on the database) as well as the
// handler; time the client spends sending the body does not count (REQUEST_TIMEOUT_MS bounds that with
// 408). When it passes, the request's DeadlineScope expires, so database queries still running for it are
// cancelled on the server and new ones are refused: the late handler stops instead of writing on.
// Fastify's own handlerTimeout would build an AbortController per request and abort it on every close
// (~6 % of CPU measured on a small POST); a plain timer and scope cost a fraction of that.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { platformErrors } from '../errors/catalog.ts'
import { DeadlineScope, runInDeadlineScope } from '../context/deadline-scope.ts'

declare module 'fastify' {
  interface FastifyRequest {
    deadline: NodeJS.Timeout | null
    deadlineScope: DeadlineScope | null
  }
}

/** The timer's callback; its arguments ride on the timer, so starting a deadline allocates no object. */
function onDeadline(reply: FastifyReply, timeoutMs: number): void {
  const { request } = reply
  if (reply.sent || reply.raw.destroyed) return
  if ('complete' in request.raw && !request.raw.complete) {
    // Still receiving the body: the handler's time starts once it is in. (Injected requests have no
    // `complete` at all, and Node sets it before the handler runs for a request without a body.)
    request.raw.once('end', () => {
      if (request.deadline !== null) request.deadline = setTimeout(onDeadline, timeoutMs, reply, timeoutMs)
    })
    return
  }
  request.deadlineScope?.expire()
  if (reply.raw.headersSent) {
    // A response already on its way cannot become an error body: end it abruptly instead.
    reply.raw.destroy()
    return
  }
  reply.send(platformErrors.HANDLER_TIMEOUT({ headers: { 'retry-after': '1' } }))
}

/** Starts the request's deadline; the pipeline then runs on inside its scope (`resumeDeadlineScope`). */
export function armDeadline(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  request.deadlineScope = new DeadlineScope(request.id)
  request.deadline = setTimeout(onDeadline, timeoutMs, reply, timeoutMs)
}

/**
 * Runs `next` inside the request's scope, or plainly when no deadline was armed: after onRequest's steps,
 * and again before the handler, because body parsing continues from socket events outside the context
 * that onRequest set (as @fastify/request-context does).
 */
export function resumeDeadlineScope(request: FastifyRequest, next: () => void): void {
  const scope = request.deadlineScope
  if (scope === null) next()
  else runInDeadlineScope(scope, next)
}

export function clearDeadline(request: FastifyRequest): void {
  if (request.deadline !== null) clearTimeout(request.deadline)
  request.deadline = null
}
