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
  // Idle sockets without a request in progress are governed by keepAliveTimeout; this bounds a stalled
  // response (a client that stops reading) at twice the request timeout.
  server.timeout = config.requestTimeoutMs * 2
  return server
}
