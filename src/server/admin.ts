// The management listener (ADMIN_HOST:ADMIN_PORT): metrics, health, status and the log level for
// operators, on plain node:http so that a primary without a Fastify instance answers it while every worker
// is busy. It knows nothing of workers or Prometheus registries: an AdminSource (the primary's, or one
// process's) answers.
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { FastifyBaseLogger } from 'fastify'
import { AppError } from '../platform/errors/app-error.ts'
import { platformErrors } from '../platform/errors/catalog.ts'
import { problemBodyOf, PROBLEM_CONTENT_TYPE } from '../platform/errors/problem.ts'
import { createClientErrorHandler } from '../platform/http/client-errors.ts'
import { CACHE_CONTROL } from '../platform/http/cache-control.ts'
import { REQUEST_ID_HEADER, requestIdOf } from '../platform/http/request-id.ts'
import { localBaseUrl } from '../platform/http/local-url.ts'
import { PORT_UNAVAILABLE_EXIT_CODE } from '../platform/lifecycle/exit-codes.ts'
import { createTokenCheck, type TokenCheck } from './admin-token.ts'
import { listenRefusal } from './listen-refusal.ts'
import { FatalError } from './process.ts'
import {
  isRuntimeLogLevel,
  RUNTIME_LOG_LEVELS,
  type LogLevelReport,
  type RuntimeLogLevel,
} from './log-level.ts'
import { createSystemStatus, type About } from './system-status.ts'

/** What the listener reports; the primary answers for its workers, a single process for itself. */
export interface AdminSource {
  /** Prometheus text (format 0.0.4) for everything this server knows. */
  metrics(): Promise<string>
  /** Liveness of the process answering: true unless it is stopping for good. */
  live(): boolean
  /** Readiness and why (e.g. { ready_workers: 2, workers: 2, required: 1 }). */
  readiness(): Promise<{ ready: boolean; detail: Record<string, unknown> }>
  /** The detailed health document: each worker, each dependency; ok=false answers 503. */
  health(): Promise<{ ok: boolean } & Record<string, unknown>>
  /** The workers part of /status (pid, state, uptime, requests, rss, event-loop lag each). */
  workers(): unknown
  /** The log level in force: this process's and, for a primary, each worker's. */
  logLevel(): Promise<LogLevelReport>
  /** Logs at `level` from now on, in this process and every worker (current and later ones). */
  setLogLevel(level: RuntimeLogLevel): Promise<LogLevelReport>
}

export interface AdminListenerOptions {
  host: string
  port: number
  /** When set, every path but /health/live and /health/ready needs `Authorization: Bearer <token>`. */
  token: string | undefined
  source: AdminSource
  log: FastifyBaseLogger
  about: About
  /** Disk usage in /status is reported for this directory, else for process.cwd(). */
  dataDir: string | undefined
  /** Bounds on the source's answers, in milliseconds; defaults 2000 (health, readiness, status) and 5000 (metrics). */
  timeoutsMs?: { health?: number; metrics?: number }
}

export interface AdminListener {
  /** The port bound (the one chosen by the system when ADMIN_PORT is 0). */
  port: number
  /** Where this machine reaches it, e.g. http://127.0.0.1:9464. */
  url: string
  /** Stops accepting, ends open connections and the event-loop monitor. */
  close(): Promise<void>
}

/** Prometheus text exposition format 0.0.4, which every scraper accepts. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'
const ALLOW = 'GET, HEAD'

/** Probes that orchestrators send without credentials; they reveal only states and counts. */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/health/live', '/health/ready'])

/** Small, short and few: the listener serves operators and probes, never traffic. */
const LIMITS = {
  maxHeaderSize: 8 * 1024,
  headersTimeout: 5000,
  requestTimeout: 10_000,
  keepAliveTimeout: 5000,
  connectionsCheckingInterval: 1000,
  maxConnections: 64,
}

interface Answer {
  status: number
  contentType: string
  body: string
  headers?: Record<string, string>
}

type Route = (context: RouteContext) => Promise<Answer>

interface RouteContext {
  source: AdminSource
  readStatus: () => Promise<Record<string, unknown>>
  timeouts: { health: number; metrics: number }
}

const ROUTES: Readonly<Record<string, Route>> = {
  '/metrics': async ({ source, timeouts }) => ({
    status: 200,
    contentType: METRICS_CONTENT_TYPE,
    body: await withinMs('metrics', timeouts.metrics, () => source.metrics()),
  }),
  '/health/live': async ({ source, timeouts }) => {
    const live = await withinMs('liveness', timeouts.health, () => source.live())
    return json(live ? 200 : 503, { status: live ? 'ok' : 'stopping' })
  },
  '/health/ready': async ({ source, timeouts }) => {
    const { ready, detail } = await withinMs('readiness', timeouts.health, () => source.readiness())
    return json(ready ? 200 : 503, { ...detail, status: ready ? 'ready' : 'unavailable' })
  },
  '/health': async ({ source, timeouts }) => {
    const report = await withinMs('health', timeouts.health, () => source.health())
    return json(report.ok ? 200 : 503, report)
  },
  '/status': async ({ readStatus }) => json(200, await readStatus()),
  '/log-level': async ({ source, timeouts }) =>
    json(200, await withinMs('log level', timeouts.health, () => source.logLevel())),
}

/** Routes that also change something, with PUT and a small JSON body; always behind ADMIN_TOKEN when set. */
const PUT_ROUTES: Readonly<Record<string, (context: RouteContext, body: unknown) => Promise<Answer>>> = {
  '/log-level': async ({ source, timeouts }, body) => {
    const level = (body as { level?: unknown } | null)?.level
    if (!isRuntimeLogLevel(level))
      throw platformErrors.BAD_REQUEST({
        detail: `Send {"level": one of ${RUNTIME_LOG_LEVELS.join(', ')}}.`,
      })
    return json(200, await withinMs('log level', timeouts.health, () => source.setLogLevel(level)))
  },
}

/** A PUT body larger than this is refused (413): the listener reads a level, never documents. */
const MAX_BODY_BYTES = 1024

/**
 * Starts the management listener; resolves once it listens (and logs `admin listening` with host and
 * port). An address it cannot have is thrown as a FatalError (exit 69) naming ADMIN_PORT or ADMIN_HOST.
 */
export async function startAdminListener(options: AdminListenerOptions): Promise<AdminListener> {
  const { log, source } = options
  const tokenCheck = options.token === undefined ? undefined : createTokenCheck(options.token)
  const timeouts = {
    health: options.timeoutsMs?.health ?? 2000,
    metrics: options.timeoutsMs?.metrics ?? 5000,
  }
  const system = createSystemStatus({ about: options.about, dataDir: options.dataDir })
  const context: RouteContext = {
    source,
    timeouts,
    // One bound for both parts: statfs (a hung mount) and the source's workers.
    readStatus: () =>
      withinMs('status', timeouts.health, async () => ({
        ...(await system.read()),
        workers: await source.workers(),
      })),
  }

  const server = createServer(
    {
      maxHeaderSize: LIMITS.maxHeaderSize,
      headersTimeout: LIMITS.headersTimeout,
      requestTimeout: LIMITS.requestTimeout,
      keepAliveTimeout: LIMITS.keepAliveTimeout,
      connectionsCheckingInterval: LIMITS.connectionsCheckingInterval,
    },
    (request, response) => {
      answer(request, response, context, tokenCheck, log).catch((error: unknown) => {
        log.error({ error }, 'admin listener could not answer')
        response.destroy()
      })
    },
  )
  server.maxConnections = LIMITS.maxConnections
  server.timeout = LIMITS.keepAliveTimeout + LIMITS.requestTimeout
  server.on('clientError', createClientErrorHandler(log))

  const port = await listen(server, options).catch((error: unknown) => {
    system.stop()
    throw error
  })
  server.on('error', (error) => log.error({ error }, 'admin listener failed'))
  log.info({ host: options.host, port, token_required: tokenCheck !== undefined }, 'admin listening')
  return {
    port,
    url: localBaseUrl(options.host, port),
    async close() {
      system.stop()
      if (!server.listening) return
      const closed = once(server, 'close')
      server.close()
      server.closeAllConnections()
      await closed
      log.info({ host: options.host, port }, 'admin listener closed')
    },
  }
}

/** Binds the address; a refusal the operator can fix becomes one line naming the variable. */
async function listen(server: Server, options: AdminListenerOptions): Promise<number> {
  try {
    server.listen({ host: options.host, port: options.port })
    await once(server, 'listening')
  } catch (error) {
    const refusal = listenRefusal(error, {
      label: 'admin port',
      port: options.port,
      portVariable: 'ADMIN_PORT',
      hostVariable: 'ADMIN_HOST',
      fallbackHost: '127.0.0.1',
    })
    if (refusal === undefined) throw error
    throw new FatalError(refusal, PORT_UNAVAILABLE_EXIT_CODE)
  }
  const address = server.address()
  return typeof address === 'object' && address !== null ? address.port : options.port
}

/** Routes one request: 404, 405, 401, the route's answer, or 503 when the source fails or is late. */
async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  context: RouteContext,
  tokenCheck: TokenCheck | undefined,
  log: FastifyBaseLogger,
): Promise<void> {
  const requestId = requestIdOf(request)
  const path = pathOf(request.url)
  const route = ROUTES[path]
  const problem = (error: AppError) => send(response, requestId, problemAnswer(error, requestId, path))
  const putRoute = PUT_ROUTES[path]
  if (route === undefined)
    return problem(platformErrors.NOT_FOUND({ detail: `No admin endpoint at ${path}.` }))
  const isPut = request.method === 'PUT' && putRoute !== undefined
  if (request.method !== 'GET' && request.method !== 'HEAD' && !isPut) {
    const allow = putRoute === undefined ? ALLOW : `${ALLOW}, PUT`
    // A body sent with another method is not read: the connection closes after the answer.
    return problem(
      platformErrors.METHOD_NOT_ALLOWED({
        detail: `${path} answers ${allow}.`,
        headers: { allow, connection: 'close' },
      }),
    )
  }
  if (tokenCheck !== undefined && !OPEN_PATHS.has(path)) {
    const refused = tokenCheck(request.headers.authorization)
    if (refused !== undefined) return problem(refused)
  }
  try {
    const answered = isPut ? await putRoute(context, await readJsonBody(request)) : await route(context)
    send(response, requestId, answered)
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      log.info({ path, request_id: requestId, error_code: error.code }, 'admin request refused')
      return problem(error)
    }
    const unavailable = platformErrors.SERVICE_UNAVAILABLE({
      detail: error instanceof SourceTimeout ? error.message : `${path} could not be answered; retry later.`,
      cause: error,
    })
    const body = problemAnswer(unavailable, requestId, path)
    log.warn({ error, path, error_id: body.errorId, request_id: requestId }, 'admin endpoint unavailable')
    send(response, requestId, body)
  }
}

/** The body of a PUT as JSON; at most MAX_BODY_BYTES (413), valid JSON (400). */
async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES)
      throw platformErrors.PAYLOAD_TOO_LARGE({
        detail: `The body is limited to ${MAX_BODY_BYTES} bytes.`,
        // The rest of the body is not read: the connection cannot be reused.
        headers: { connection: 'close' },
      })
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  } catch (error) {
    throw platformErrors.MALFORMED_JSON({ detail: 'The body is not valid JSON.', cause: error })
  }
}

/** A source's answer within `timeoutMs`, or a SourceTimeout; a throw (even a synchronous one) rejects. */
async function withinMs<T>(what: string, timeoutMs: number, work: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new SourceTimeout(what, timeoutMs)), timeoutMs)
  })
  try {
    return await Promise.race([Promise.resolve().then(work), late])
  } finally {
    clearTimeout(timer)
  }
}

class SourceTimeout extends Error {
  override name = 'SourceTimeout'
  constructor(what: string, timeoutMs: number) {
    super(`The ${what} did not answer within ${timeoutMs} ms; retry later.`)
  }
}

/** The path without query string, one trailing slash ignored (as the API's router does). */
function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0] ?? '/'
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}

function json(status: number, body: unknown): Answer {
  return { status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(body) }
}

function problemAnswer(error: AppError, requestId: string, path: string): Answer & { errorId: string } {
  const body = problemBodyOf(error, { requestId, instance: path })
  return {
    status: error.status,
    contentType: PROBLEM_CONTENT_TYPE,
    body: JSON.stringify(body),
    errorId: body.error_id,
    ...(error.headers === undefined ? {} : { headers: error.headers }),
  }
}

/** Writes a whole answer; HEAD gets the same headers (Content-Length included) and no body (Node drops it). */
function send(response: ServerResponse, requestId: string, answer: Answer): void {
  response.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
    'cache-control': CACHE_CONTROL.noStore,
    'x-content-type-options': 'nosniff',
    [REQUEST_ID_HEADER]: requestId,
    ...answer.headers,
  })
  response.end(answer.body)
}
