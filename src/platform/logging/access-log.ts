// One access line per request (Fastify's own two request lines are off), a warning when it was slow.
// Called from the request pipeline's hooks in platform/http/plugin.ts, so logging adds no hook of its own.
import type { FastifyReply, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** The socket's bytesWritten when the request arrived; the difference at the end is what it sent. */
    socketBytesAtStart: number
  }
}

export function markRequestStart(request: FastifyRequest): void {
  request.socketBytesAtStart = request.raw.socket?.bytesWritten ?? 0
}

/** `route` is the matched route's pattern, undefined when none matched (written as null). */
export function writeAccessLine(
  request: FastifyRequest,
  reply: FastifyReply,
  slowRequestMs: number,
  route: string | undefined,
): void {
  const durationMs = Math.round(reply.elapsedTime * 100) / 100
  const slow = durationMs > slowRequestMs
  const line = {
    method: request.method,
    route: route ?? null,
    status: reply.statusCode,
    duration_ms: durationMs,
    response_bytes: (request.raw.socket?.bytesWritten ?? 0) - request.socketBytesAtStart,
    remote_addr: request.ip,
    ...(request.problem === null ? {} : request.problem),
    ...(slow ? { slow: true } : {}),
  }
  if (slow) request.log.warn(line, 'slow request')
  else request.log.info(line, 'request completed')
}
