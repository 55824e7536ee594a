// The request pipeline's steps: plain functions that app.ts lists in order and the http plugin's one hook
// per phase runs in turn, so a new concern (rate limit, load shedding, metrics) is a step, not a hook.
import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify'
import { platformErrors } from '../errors/catalog.ts'
import { sendProblem } from '../errors/plugin.ts'
import type { Lifecycle } from '../lifecycle/state.ts'
import { markRequestStart, writeAccessLine, type AccessLogOptions } from '../logging/access-log.ts'
import type { CorsPolicy } from '../security/cors.ts'
import type { HeaderSet } from '../security/headers.ts'
import { cacheControlOf } from './cache-control.ts'
import { armDeadline } from './deadline.ts'
import { checkRequestHeaders } from './header-checks.ts'
import { REQUEST_ID_HEADER } from './request-id.ts'
import './route-config.ts'

/**
 * One onRequest step. `config` is the route's config, read once per request for all steps (Fastify's
 * routeOptions is a getter that builds an object). Returns true when it answered the request: the steps
 * after it and the rest of the pipeline do not run; false to go on.
 */
export type RequestStep = (
  request: FastifyRequest,
  reply: FastifyReply,
  config: FastifyContextConfig,
) => boolean

/**
 * The route's config as the onResponse phase reads it, once per request for all steps: `url` is the
 * matched route's pattern (`/api/v1/plans/:id`), undefined when no route matched (404, 405).
 */
export type ResponseRouteConfig = FastifyContextConfig & { readonly url?: string }

/** One onResponse step: the response has been sent. */
export type ResponseStep = (request: FastifyRequest, reply: FastifyReply, config: ResponseRouteConfig) => void

/** The steps of each phase the http plugin hooks, in the order they run. */
export interface PipelineSteps {
  onRequest: readonly RequestStep[]
  onResponse: readonly ResponseStep[]
}

/** Notes when the request arrived and the socket's byte count then, for the access line. */
export const markStart: RequestStep = (request) => {
  markRequestStart(request)
  return false
}

/** Security headers, X-Request-ID, Cache-Control, and `Connection: close` while draining. */
export function createResponseHeadersStep(securityHeaders: HeaderSet, lifecycle: Lifecycle): RequestStep {
  return function setResponseHeaders(request, reply, config) {
    reply.headers(securityHeaders)
    reply.header(REQUEST_ID_HEADER, request.id)
    reply.header('cache-control', cacheControlOf(request.method, config))
    // While draining, every response asks the client to reconnect elsewhere.
    if (lifecycle.isDraining) reply.header('connection', 'close')
    return false
  }
}

/** One Host, plain chunked framing, at most `maxHeaderCount` header lines (MAX_HEADER_COUNT). */
export function createHeaderChecksStep(maxHeaderCount: number): RequestStep {
  return function checkHeaders(request, reply) {
    const headerError = checkRequestHeaders(
      request.raw.rawHeaders,
      request.headers['transfer-encoding'],
      maxHeaderCount,
    )
    if (headerError === undefined) return false
    // The connection cannot be trusted to be framed as we read it: answer and close it.
    reply.header('connection', 'close')
    sendProblem(request, reply, headerError)
    return true
  }
}

/** Compressed request bodies would bypass the body limit (zip bombs): 415. */
export const refuseCompressedBody: RequestStep = (request, reply) => {
  const encoding = request.headers['content-encoding']
  if (encoding === undefined || encoding === 'identity') return false
  const detail = `Content-Encoding ${encoding} is not accepted; send the body uncompressed`
  sendProblem(request, reply, platformErrors.UNSUPPORTED_MEDIA_TYPE({ detail }))
  return true
}

/** CORS: preflights are answered here (204, or 403 for an origin not allowed); other requests get the allow headers. */
export function createCorsStep(cors: CorsPolicy): RequestStep {
  return function applyCors(request, reply) {
    const origin = request.headers.origin
    if (origin === undefined) return false
    const preflightMethod = request.headers['access-control-request-method']
    if (request.method === 'OPTIONS' && preflightMethod !== undefined) {
      const headers = cors.preflightHeaders(origin, request.headers['access-control-request-headers'])
      if (headers === undefined) {
        const detail = `Origin ${origin} is not allowed`
        sendProblem(request, reply, platformErrors.CORS_ORIGIN_DENIED({ detail }))
        return true
      }
      reply.headers(headers).code(204).send()
      return true
    }
    const headers = cors.responseHeaders(origin)
    if (headers !== undefined) reply.headers(headers)
    return false
  }
}

/**
 * Starts the request deadline (HANDLER_TIMEOUT_MS, or the route's config.handlerTimeoutMs); the rest of
 * the pipeline, authentication included, then runs inside its scope.
 */
export function createDeadlineStep(handlerTimeoutMs: number): RequestStep {
  return function startDeadline(request, reply, config) {
    armDeadline(request, reply, config.handlerTimeoutMs ?? handlerTimeoutMs)
    return false
  }
}

/**
 * The access line (fast successes sampled by LOG_ACCESS_SAMPLE_RATE), a warning when the request took
 * longer than LOG_SLOW_REQUEST_MS.
 */
export function createAccessLineStep(options: AccessLogOptions): ResponseStep {
  return function logAccess(request, reply, config) {
    writeAccessLine(request, reply, options, config.url)
  }
}
