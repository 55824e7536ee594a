// The request pipeline's own hooks, one per phase: onRequest (request id, security headers, header
// checks, Cache-Control, CORS, draining, start of the access line and of the request deadline), preHandler
// (back into the deadline's scope after body parsing) and onResponse (access line).
// One consolidated hook per phase instead of one per concern: each hook costs time on every request.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { platformErrors } from '../errors/catalog.ts'
import { sendProblem } from '../errors/plugin.ts'
import type { Lifecycle } from '../lifecycle/state.ts'
import type { CorsPolicy } from '../security/cors.ts'
import type { HeaderSet } from '../security/headers.ts'
import { markRequestStart, writeAccessLine } from '../logging/access-log.ts'
import { cacheControlOf } from './cache-control.ts'
import { clearDeadline, resumeDeadlineScope, startDeadline } from './deadline.ts'
import { checkRequestHeaders } from './header-checks.ts'
import { REQUEST_ID_HEADER } from './request-id.ts'
import './route-config.ts'

export interface HttpOptions {
  securityHeaders: HeaderSet
  cors: CorsPolicy
  lifecycle: Lifecycle
  /** Default deadline of a request (HANDLER_TIMEOUT_MS); a route's config.handlerTimeoutMs overrides it. */
  handlerTimeoutMs: number
  /** Requests slower than this are logged as warnings (SLOW_REQUEST_MS). */
  slowRequestMs: number
  /** Most header lines a request may have (MAX_HEADER_COUNT); more get 431. */
  maxHeaderCount: number
}

async function http(app: FastifyInstance, options: HttpOptions) {
  const { securityHeaders, cors, lifecycle, handlerTimeoutMs, slowRequestMs, maxHeaderCount } = options
  app.decorateRequest('deadline', null)
  app.decorateRequest('deadlineScope', null)
  app.decorateRequest('socketBytesAtStart', 0)

  app.addHook('onRequest', (request, reply, done) => {
    markRequestStart(request)
    // routeOptions is a getter that builds a new object: read it once.
    const config = request.routeOptions.config
    reply.headers(securityHeaders)
    reply.header(REQUEST_ID_HEADER, request.id)
    reply.header('cache-control', cacheControlOf(request.method, config))
    // While draining, every response asks the client to reconnect elsewhere.
    if (lifecycle.isDraining) reply.header('connection', 'close')

    const headerError = checkRequestHeaders(
      request.raw.rawHeaders,
      request.headers['transfer-encoding'],
      maxHeaderCount,
    )
    if (headerError !== undefined) {
      // The connection cannot be trusted to be framed as we read it: answer and close it.
      reply.header('connection', 'close')
      sendProblem(request, reply, headerError)
      return
    }

    const encoding = request.headers['content-encoding']
    if (encoding !== undefined && encoding !== 'identity') {
      const detail = `Content-Encoding ${encoding} is not accepted; send the body uncompressed`
      sendProblem(request, reply, platformErrors.UNSUPPORTED_MEDIA_TYPE({ detail }))
      return
    }

    // Authentication (the next onRequest hook) and the handler run inside the deadline's scope.
    const timeoutMs = config.handlerTimeoutMs ?? handlerTimeoutMs
    const origin = request.headers.origin
    if (origin === undefined) {
      startDeadline(request, reply, timeoutMs, done)
      return
    }
    const preflightMethod = request.headers['access-control-request-method']
    if (request.method === 'OPTIONS' && preflightMethod !== undefined) {
      const headers = cors.preflightHeaders(origin, request.headers['access-control-request-headers'])
      if (headers === undefined) {
        sendProblem(
          request,
          reply,
          platformErrors.CORS_ORIGIN_DENIED({ detail: `Origin ${origin} is not allowed` }),
        )
        return
      }
      reply.headers(headers).code(204).send()
      return
    }
    const headers = cors.responseHeaders(origin)
    if (headers !== undefined) reply.headers(headers)
    startDeadline(request, reply, timeoutMs, done)
  })

  app.addHook('preHandler', (request, _reply, done) => {
    resumeDeadlineScope(request, done)
  })

  app.addHook('onResponse', (request, reply, done) => {
    clearDeadline(request)
    writeAccessLine(request, reply, slowRequestMs)
    done()
  })
}

export const httpPlugin = fp(http, { name: 'http', dependencies: ['errors'] })
