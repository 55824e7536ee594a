// The only writer of error bodies: the error handler, the 404/405 handler and sendProblem for other plugins.
import { randomUUID } from 'node:crypto'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import { CACHE_CONTROL } from '../http/cache-control.ts'
import type { AppError } from './app-error.ts'
import { platformErrors } from './catalog.ts'
import { problemBodyOf, PROBLEM_CONTENT_TYPE } from './problem.ts'
import { toAppError, type ErrorTranslator } from './translate.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the response is an error body, so the access line can name it. */
    problem: { error_id: string; error_code: string } | null
  }
}

export interface ErrorsOptions {
  /** Show an unexpected error's message (never its stack) in the 500 body; development only. */
  exposeInternalErrors: boolean
  /** Library errors with a meaning for the client (e.g. the database is down → 503). */
  translators: readonly ErrorTranslator[]
}

/** Writes an AppError as the problem+json response. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  options: { detail?: string; errorId?: string } = {},
): FastifyReply {
  const errorId = options.errorId ?? randomUUID()
  const instance = request.url.split('?', 1)[0]
  const body = problemBodyOf(error, { requestId: request.id, instance, errorId, detail: options.detail })
  request.problem = { error_id: errorId, error_code: error.code }
  // An error is about this request at this moment: never stored, whatever the route would allow.
  reply.header('cache-control', CACHE_CONTROL.noStore)
  if (error.headers !== undefined) reply.headers(error.headers)
  return reply.code(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body))
}

/**
 * Fastify's frameworkErrors: errors its router raises before any hook runs (a malformed URL, a path
 * parameter over maxParamLength). They get the standard body and the headers every response carries.
 */
export function createFrameworkErrorHandler(baseHeaders: Readonly<Record<string, string>>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(baseHeaders).header('x-request-id', request.id)
    const path = request.url.split('?', 1)[0] ?? '/'
    // A path segment longer than any id cannot name a resource.
    const appError =
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? platformErrors.NOT_FOUND({ detail: 'No resource at this path' })
        : platformErrors.BAD_REQUEST({ detail: `Malformed URL: ${JSON.stringify(path.slice(0, 100))}` })
    sendProblem(request, reply, appError)
  }
}

async function errors(app: FastifyInstance, options: ErrorsOptions) {
  app.decorateRequest('problem', null)
  const routes = createRouteIndex(app)

  app.setErrorHandler((error, request, reply) => {
    const { appError, unexpected } = toAppError(error, options.translators)
    const errorId = randomUUID()
    if (!unexpected) return sendProblem(request, reply, appError, { errorId })
    // The cause goes to the log only; the client gets the error_id to quote.
    const fields = { error_id: errorId, error_code: appError.code }
    if (appError.code !== 'INTERNAL_ERROR') {
      // A known outage (a dependency down, a deadline missed): one line with the cause, no stack per request.
      request.log.warn({ ...fields, cause: describeCause(appError.cause ?? error) }, 'service unavailable')
      return sendProblem(request, reply, appError, { errorId })
    }
    request.log.error({ ...fields, error }, 'unexpected error')
    const detail = options.exposeInternalErrors && error instanceof Error ? error.message : undefined
    return sendProblem(request, reply, appError, { errorId, ...(detail === undefined ? {} : { detail }) })
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/'
    const allowed = routes.methodsFor(path)
    if (allowed.length > 0) {
      const detail = `${request.method} is not supported here; use ${allowed.join(', ')}`
      return sendProblem(
        request,
        reply,
        platformErrors.METHOD_NOT_ALLOWED({ detail, headers: { allow: allowed.join(', ') } }),
      )
    }
    return sendProblem(
      request,
      reply,
      platformErrors.NOT_FOUND({ detail: `No route for ${request.method} ${path}` }),
    )
  })
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause)
  const { code } = cause as { code?: unknown }
  return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message
}

const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * A second router holding only paths, to tell 405 (path exists, other method) from 404. It matches paths
 * with Fastify's own router options (trailing slash, duplicate slashes, case), so a path answers 405 with
 * the same Allow whether or not it ends in a slash, exactly when Fastify would route it for another method.
 */
function createRouteIndex(app: FastifyInstance) {
  // find-my-way fills the same defaults as Fastify's router for what is left undefined.
  const { ignoreTrailingSlash, ignoreDuplicateSlashes, caseSensitive, maxParamLength } =
    app.initialConfig.routerOptions ?? {}
  const router = FindMyWay({ ignoreTrailingSlash, ignoreDuplicateSlashes, caseSensitive, maxParamLength })
  const noop = () => undefined
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (METHODS.includes(method as HTTPMethod) && !router.hasRoute(method as HTTPMethod, route.url)) {
        router.on(method as HTTPMethod, route.url, noop)
      }
    }
  })
  return {
    methodsFor(path: string): HTTPMethod[] {
      return METHODS.filter((method) => router.find(method, path) !== null)
    },
  }
}

export const errorsPlugin = fp(errors, { name: 'errors' })
