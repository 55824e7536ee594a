// Answers errors that Node's HTTP parser detects before Fastify sees a request, with the standard body.
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { PLATFORM_ERRORS } from '../errors/catalog.ts'
import { problemBodyOf, PROBLEM_CONTENT_TYPE } from '../errors/problem.ts'
import { AppError } from '../errors/app-error.ts'
import { CACHE_CONTROL } from './cache-control.ts'

type ParserErrorCode = 'REQUEST_TIMEOUT' | 'HEADERS_TOO_LARGE' | 'PAYLOAD_TOO_LARGE' | 'BAD_REQUEST'

/** Node's parser/server error codes → our error codes (anything else is a malformed request). */
const CODE_MAP: Readonly<Record<string, ParserErrorCode>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'PAYLOAD_TOO_LARGE',
}

/** The bytes of a complete HTTP/1.1 response for a parser-level error; the connection is closed after it. */
export function clientErrorResponse(errorCode: string | undefined, now = new Date()): string {
  const code = CODE_MAP[errorCode ?? ''] ?? 'BAD_REQUEST'
  const error = new AppError(code, PLATFORM_ERRORS[code])
  const body = JSON.stringify(problemBodyOf(error, { requestId: randomUUID(), instance: undefined, now }))
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Bad Request'}\r\n` +
    `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `Cache-Control: ${CACHE_CONTROL.noStore}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  )
}

/** Fastify's clientErrorHandler: writes the problem response if the socket can still take it. */
export function createClientErrorHandler(log: FastifyBaseLogger) {
  return function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    // A reset socket has nobody to answer; one whose current response has started cannot take another
    // (Node's own rule). Earlier responses on a keep-alive connection do not matter.
    const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage
    if (error.code === 'ECONNRESET' || !socket.writable || current?.headersSent === true) {
      socket.destroy()
      return
    }
    log.info({ error_code: error.code, remote_addr: socket.remoteAddress }, 'client error before routing')
    socket.end(clientErrorResponse(error.code))
  }
}
