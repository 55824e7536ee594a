// Requests to a spawned server as a client sees them (status, headers, body, time taken), and polling.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { assertProblem } from './problem.ts'
import { bearer, type ServerProcess } from './server-process.ts'

export interface Reply {
  statusCode: number
  headers: Record<string, string>
  body: string
  elapsedMs: number
}

const DATABASE_CODES = ['DATABASE_UNAVAILABLE', 'DATABASE_TIMEOUT']
/** The deadline a 503 must meet: the 1 s connect timeout plus slack, far below any handler timeout. */
const OUTAGE_DEADLINE_MS = 3000

/** A GET (or, with a body, a POST); API paths carry the key, the public health endpoints go without. */
export async function send(server: ServerProcess, key: string, path: string, body?: unknown): Promise<Reply> {
  const started = performance.now()
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(path.startsWith('/api/') ? bearer(key) : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await response.text()
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: text,
    elapsedMs: performance.now() - started,
  }
}

/** Calls `attempt` until it returns a value, or fails after `timeoutMs` with the last reply seen. */
export async function poll<T>(timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await attempt()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(100)
  }
}

/** A 503 from the database layer: the problem body, Retry-After, answered within the deadline. */
export function assertDatabaseUnavailable(reply: Reply, what: string): void {
  const code = (JSON.parse(reply.body) as { error_code?: string }).error_code ?? ''
  assert.ok(DATABASE_CODES.includes(code), `${what}: error_code ${code}, body ${reply.body}`)
  assertProblem(reply, 503, code)
  assert.match(reply.headers['retry-after'] ?? '', /^[1-9]\d*$/, `${what}: Retry-After`)
  assert.ok(
    reply.elapsedMs < OUTAGE_DEADLINE_MS,
    `${what}: answered after ${Math.round(reply.elapsedMs)} ms, deadline ${OUTAGE_DEADLINE_MS} ms`,
  )
}
