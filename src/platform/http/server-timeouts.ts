// Creates the node:http server with every limit and timeout set explicitly (Fastify leaves some off).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { ServerConfig } from '../config/config.ts'

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void

/**
 * Fastify's serverFactory. Node checks request and header deadlines only every
 * connectionsCheckingInterval (30 s by default), which would let a 10 s headers timeout fire after 40 s;
 * a 1 s interval keeps each deadline within a second.
 */
export function createHttpServer(config: ServerConfig, listener: RequestListener): Server {
  const server = createServer(
    {
      maxHeaderSize: config.maxHeaderSizeBytes,
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
      // A response larger than the socket buffer still needs a client that reads it: cut one that stalls.
      noDelay: true,
    },
    listener,
  )
  // Socket inactivity: bounds a stalled response (a client that stops reading). It must exceed both the
  // keep-alive and the request/headers timeouts, or it would close idle keep-alive connections early and
  // race the 408 for a slow request (destroying the socket without an answer).
  server.timeout = config.keepAliveTimeoutMs + config.requestTimeoutMs
  // Past it a new connection is closed on accept (Node emits 'drop'): many slow clients cannot take every
  // socket and megabyte, and the timeouts above give their slots back.
  server.maxConnections = config.maxConnections
  // A cluster worker at its limit would otherwise hand the connection back to the primary, which passes it
  // to the next worker, and round again while every worker is full: a busy loop of the primary holding
  // the connection. Closed instead, as in one process (Node ≥ 23.1; not in @types/node yet).
  Object.assign(server, { dropMaxConnection: true })
  return server
}
