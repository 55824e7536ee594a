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

/** Bytes the response put on the socket (headers and body): for the access line and the size metric. */
export function responseBytesOf(request: FastifyRequest): number {
  return (request.raw.socket?.bytesWritten ?? 0) - request.socketBytesAtStart
}

/** When access lines are written: LOG_SLOW_REQUEST_MS and LOG_ACCESS_SAMPLE_RATE. */
export interface AccessLogOptions {
  slowRequestMs: number
  /** 0..1: the share of fast 2xx/3xx lines written; 4xx, 5xx and slow requests always are. */
  accessSampleRate: number
}

/**
 * `route` is the matched route's pattern, undefined when none matched (written as null). The line's
 * user_id/api_key_id come from the request logger's bindings (request-fields.ts), its worker from the
 * process logger's.
 */
export function writeAccessLine(
  request: FastifyRequest,
  reply: FastifyReply,
  options: AccessLogOptions,
  route: string | undefined,
): void {
  const durationMs = Math.round(reply.elapsedTime * 100) / 100
  const slow = durationMs > options.slowRequestMs
  // Decided before the line is built, so a line sampled away costs a comparison or two and no allocation.
  if (!slow && options.accessSampleRate < 1 && reply.statusCode < 400) {
    if (Math.random() >= options.accessSampleRate) return
  }
  const line = {
    method: request.method,
    route: route ?? null,
    status: reply.statusCode,
    duration_ms: durationMs,
    response_bytes: responseBytesOf(request),
    remote_addr: request.ip,
    ...(request.problem === null ? {} : request.problem),
    ...(slow ? { slow: true } : {}),
  }
  if (slow) request.log.warn(line, 'slow request')
  else request.log.info(line, 'request completed')
}
