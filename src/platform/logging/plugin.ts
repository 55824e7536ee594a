// One access line per request (Fastify's own two request lines are off), a warning when it was slow.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { LogConfig } from '../config/config.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The socket's bytesWritten when the request arrived; the difference at the end is what it sent. */
    socketBytesAtStart: number
  }
}

async function accessLog(app: FastifyInstance, options: Pick<LogConfig, 'slowRequestMs'>) {
  app.decorateRequest('socketBytesAtStart', 0)

  app.addHook('onRequest', (request, _reply, done) => {
    request.socketBytesAtStart = request.raw.socket?.bytesWritten ?? 0
    done()
  })

  app.addHook('onResponse', (request, reply, done) => {
    const durationMs = Math.round(reply.elapsedTime * 100) / 100
    const slow = durationMs > options.slowRequestMs
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      duration_ms: durationMs,
      response_bytes: (request.raw.socket?.bytesWritten ?? 0) - request.socketBytesAtStart,
      remote_addr: request.ip,
      ...(request.problem === null ? {} : request.problem),
      ...(slow ? { slow: true } : {}),
    }
    if (slow) request.log.warn(line, 'slow request')
    else request.log.info(line, 'request completed')
    done()
  })
}

export const accessLogPlugin = fp(accessLog, { name: 'access-log', dependencies: ['errors'] })
