// Request ids: a client's X-Request-ID is kept only when it is safe to echo and log, else a UUID is made.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const REQUEST_ID_HEADER = 'x-request-id'

/** Letters, digits and `._:-`, 1 to 128 characters: no spaces, quotes or control characters to forge log lines. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function isSafeRequestId(value: string): boolean {
  return SAFE_REQUEST_ID.test(value)
}

/** Fastify's genReqId: the incoming id when it is a single safe value, otherwise a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER]
  return typeof incoming === 'string' && isSafeRequestId(incoming) ? incoming : randomUUID()
}
