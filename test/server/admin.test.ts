// The management listener on a real socket: routes, the token, a failing or hanging source, refusals.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, describe, it, type TestContext } from 'node:test'
import pino from 'pino'
import { startAdminListener, type AdminListenerOptions, type AdminSource } from '../../src/server/admin.ts'
import { FatalError } from '../../src/server/process.ts'
import { assertProblem } from '../helpers/problem.ts'

const TOKEN = 'admin-token-for-tests-0123456789'
const ABOUT = { name: 'bulwark', version: '9.9.9', commit: 'abc1234', environment: 'test' }
const METRICS = '# TYPE http_requests_total counter\nhttp_requests_total{worker="1"} 3\n'

/** A fleet of two ready workers; each test replaces what it needs. */
function fleetSource(overrides: Partial<AdminSource> = {}): AdminSource {
  return {
    metrics: async () => METRICS,
    live: () => true,
    readiness: async () => ({ ready: true, detail: { ready_workers: 2, workers: 2, required: 1 } }),
    health: async () => ({
      ok: true,
      workers: [{ id: 1, ready: true }],
      checks: { database: { status: 'ok' } },
    }),
    workers: () => [{ id: 1, pid: 101, state: 'ready' }],
    logLevel: async () => ({ level: 'info' }),
    setLogLevel: async (level) => ({ level }),
    ...overrides,
  }
}

function captureLog() {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  // As the process logger: `error` fields are serialized with their message and stack.
  return { log: pino({ messageKey: 'message', errorKey: 'error' }, stream), lines }
}

async function startListener(t: TestContext | undefined, options: Partial<AdminListenerOptions> = {}) {
  const { log, lines } = captureLog()
  const listener = await startAdminListener({
    host: '127.0.0.1',
    port: 0,
    token: undefined,
    source: fleetSource(),
    log,
    about: ABOUT,
    dataDir: undefined,
    ...options,
  })
  t?.after(() => listener.close())
  return { listener, lines }
}

interface Reply {
  statusCode: number
  headers: Record<string, string>
  body: string
}

async function request(url: string, path: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(8000) })
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  }
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

describe('the admin listener without a token', () => {
  let url: string
  let lines: Array<Record<string, unknown>>
  let close: () => Promise<void>
  before(async () => {
    const started = await startListener(undefined)
    url = started.listener.url
    lines = started.lines
    close = () => started.listener.close()
  })
  after(() => close())

  it('logs "admin listening" with the host and the port it bound', () => {
    const line = lines.find((entry) => entry.message === 'admin listening')

    assert.equal(line?.host, '127.0.0.1')
    assert.equal(url, `http://127.0.0.1:${String(line?.port)}`)
  })

  it('answers /metrics with the source text as Prometheus 0.0.4, never cached', async () => {
    const reply = await request(url, '/metrics')

    assert.equal(reply.statusCode, 200)
    assert.equal(reply.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
    assert.equal(reply.headers['cache-control'], 'no-store')
    assert.equal(reply.body, METRICS)
  })

  it('answers /health/live 200 {status: ok}', async () => {
    const reply = await request(url, '/health/live')

    assert.equal(reply.statusCode, 200)
    assert.match(reply.headers['content-type'] ?? '', /^application\/json/)
    assert.deepEqual(JSON.parse(reply.body), { status: 'ok' })
  })

  it('answers /health/ready 200 with the readiness detail', async () => {
    const reply = await request(url, '/health/ready')

    assert.equal(reply.statusCode, 200)
    assert.deepEqual(JSON.parse(reply.body), { status: 'ready', ready_workers: 2, workers: 2, required: 1 })
  })

  it('answers /health 200 with the source document', async () => {
    const reply = await request(url, '/health')

    assert.equal(reply.statusCode, 200)
    assert.deepEqual(JSON.parse(reply.body), {
      ok: true,
      workers: [{ id: 1, ready: true }],
      checks: { database: { status: 'ok' } },
    })
  })

  it('answers /status with every process fact and the workers', async () => {
    const reply = await request(url, '/status')

    assert.equal(reply.statusCode, 200)
    const status = JSON.parse(reply.body) as Record<string, Record<string, unknown> | undefined>
    assert.deepEqual(
      { name: status.name, version: status.version, commit: status.commit, environment: status.environment },
      ABOUT,
    )
    assert.equal(status.pid, process.pid)
    assert.equal(status.node, process.version)
    assert.equal(typeof status.uptime_s, 'number')
    assert.ok(!Number.isNaN(Date.parse(status.started_at as unknown as string)), 'started_at is a date')
    assert.deepEqual(status.workers, [{ id: 1, pid: 101, state: 'ready' }])
    assertNumbers(status.cpu, ['user_s', 'system_s', 'percent', 'available_parallelism', 'window_s'])
    assertNumbers(status.load, ['avg_1m', 'avg_5m', 'avg_15m'])
    assertNumbers(status.memory, [
      'rss_bytes',
      'heap_total_bytes',
      'heap_used_bytes',
      'external_bytes',
      'array_buffers_bytes',
      'system_total_bytes',
      'system_free_bytes',
    ])
    assert.ok('limit_bytes' in (status.memory ?? {}))
    assert.equal(status.disk?.path, process.cwd())
    assertNumbers(status.disk, ['total_bytes', 'free_bytes', 'available_bytes'])
    assertNumbers(status.event_loop_lag, ['p50_ms', 'p99_ms', 'max_ms', 'window_s'])
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await request(url, '/metrics')

    const head = await request(url, '/metrics', { method: 'HEAD' })

    assert.equal(head.statusCode, 200)
    assert.equal(head.headers['content-type'], get.headers['content-type'])
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(METRICS)))
    assert.equal(head.body, '')
  })

  it('answers 404 with the standard error body for an unknown path', async () => {
    const reply = await request(url, '/admin')

    const body = assertProblem(reply, 404, 'NOT_FOUND')
    assert.equal(body.instance, '/admin')
    assert.equal(reply.headers['cache-control'], 'no-store')
  })

  it('answers 405 with Allow: GET, HEAD for another method', async () => {
    const reply = await request(url, '/metrics', { method: 'POST', body: 'x' })

    assertProblem(reply, 405, 'METHOD_NOT_ALLOWED')
    assert.equal(reply.headers.allow, 'GET, HEAD')
  })

  it('answers GET /log-level with the source level', async () => {
    const reply = await request(url, '/log-level')

    assert.equal(reply.statusCode, 200)
    assert.deepEqual(JSON.parse(reply.body), { level: 'info' })
  })

  it('answers PUT /log-level with the level the source applied', async () => {
    const reply = await request(url, '/log-level', { method: 'PUT', body: '{"level":"debug"}' })

    assert.equal(reply.statusCode, 200)
    assert.deepEqual(JSON.parse(reply.body), { level: 'debug' })
  })

  for (const body of ['{"level":"verbose"}', '{"level":"silent"}', '{}', 'debug']) {
    it(`answers PUT /log-level 400 with the standard error body for ${body}`, async () => {
      const reply = await request(url, '/log-level', { method: 'PUT', body })

      const problem = assertProblem(reply, 400, body === 'debug' ? 'MALFORMED_JSON' : 'BAD_REQUEST')
      assert.equal(problem.instance, '/log-level')
    })
  }

  it('answers PUT /log-level 413 for a body over 1 KiB', async () => {
    const reply = await request(url, '/log-level', { method: 'PUT', body: 'x'.repeat(4096) })

    assertProblem(reply, 413, 'PAYLOAD_TOO_LARGE')
  })

  it('answers 405 with Allow: GET, HEAD, PUT for POST /log-level', async () => {
    const reply = await request(url, '/log-level', { method: 'POST', body: 'x' })

    assertProblem(reply, 405, 'METHOD_NOT_ALLOWED')
    assert.equal(reply.headers.allow, 'GET, HEAD, PUT')
  })

  it('ignores the query string and one trailing slash', async () => {
    const reply = await request(url, '/health/live/?verbose=1')

    assert.equal(reply.statusCode, 200)
  })

  it('echoes a safe X-Request-ID in the header and the error body', async () => {
    const reply = await request(url, '/nothing', { headers: { 'x-request-id': 'probe-42' } })

    const body = assertProblem(reply, 404, 'NOT_FOUND')
    assert.equal(body.request_id, 'probe-42')
    assert.equal(reply.headers['x-request-id'], 'probe-42')
  })
})

describe('the admin listener with a token', () => {
  let url: string
  let close: () => Promise<void>
  before(async () => {
    const started = await startListener(undefined, { token: TOKEN })
    url = started.listener.url
    close = () => started.listener.close()
  })
  after(() => close())

  for (const path of ['/metrics', '/health', '/status', '/log-level']) {
    it(`answers ${path} 401 AUTHENTICATION_REQUIRED with WWW-Authenticate: Bearer without a token`, async () => {
      const reply = await request(url, path)

      assertProblem(reply, 401, 'AUTHENTICATION_REQUIRED')
      assert.match(reply.headers['www-authenticate'] ?? '', /^Bearer /)
    })
  }

  it('answers 401 CREDENTIALS_INVALID for a wrong token', async () => {
    const reply = await request(url, '/metrics', bearer(`${TOKEN}x`))

    assertProblem(reply, 401, 'CREDENTIALS_INVALID')
    assert.match(reply.headers['www-authenticate'] ?? '', /^Bearer .*error="invalid_token"/)
  })

  it('answers 401 CREDENTIALS_INVALID for another scheme', async () => {
    const reply = await request(url, '/metrics', { headers: { authorization: `Basic ${TOKEN}` } })

    assertProblem(reply, 401, 'CREDENTIALS_INVALID')
  })

  it('accepts the token', async () => {
    const reply = await request(url, '/metrics', bearer(TOKEN))

    assert.equal(reply.statusCode, 200)
    assert.equal(reply.body, METRICS)
  })

  it('keeps /health/live and /health/ready open for probes', async () => {
    const live = await request(url, '/health/live')
    const ready = await request(url, '/health/ready')

    assert.equal(live.statusCode, 200)
    assert.equal(ready.statusCode, 200)
  })

  it('answers PUT /log-level 401 without the token and applies it with the token', async () => {
    const refused = await request(url, '/log-level', { method: 'PUT', body: '{"level":"debug"}' })
    const accepted = await request(url, '/log-level', {
      method: 'PUT',
      body: '{"level":"debug"}',
      headers: bearer(TOKEN).headers,
    })

    assertProblem(refused, 401, 'AUTHENTICATION_REQUIRED')
    assert.equal(accepted.statusCode, 200)
    assert.deepEqual(JSON.parse(accepted.body), { level: 'debug' })
  })

  it('answers an unknown path 404 whether or not the token is sent', async () => {
    const reply = await request(url, '/secrets')

    assertProblem(reply, 404, 'NOT_FOUND')
  })
})

describe('the admin listener and its source', () => {
  it('answers 503 with the source states when not ready, not live or not healthy', async (t) => {
    const source = fleetSource({
      live: () => false,
      readiness: async () => ({ ready: false, detail: { ready_workers: 0, workers: 2, required: 1 } }),
      health: async () => ({ ok: false, workers: [{ id: 1, ready: false }] }),
    })
    const { listener } = await startListener(t, { source })

    const live = await request(listener.url, '/health/live')
    const ready = await request(listener.url, '/health/ready')
    const health = await request(listener.url, '/health')

    assert.equal(live.statusCode, 503)
    assert.deepEqual(JSON.parse(live.body), { status: 'stopping' })
    assert.equal(ready.statusCode, 503)
    assert.deepEqual(JSON.parse(ready.body), {
      status: 'unavailable',
      ready_workers: 0,
      workers: 2,
      required: 1,
    })
    assert.equal(health.statusCode, 503)
    assert.equal(JSON.parse(health.body).ok, false)
  })

  it('answers 503 SERVICE_UNAVAILABLE when the source throws, logs the cause with the error_id and keeps serving', async (t) => {
    const source = fleetSource({
      metrics: async () => {
        throw new Error('registry exploded')
      },
      workers: () => {
        throw new Error('no workers table')
      },
    })
    const { listener, lines } = await startListener(t, { source })

    const metrics = await request(listener.url, '/metrics')
    const status = await request(listener.url, '/status')
    const live = await request(listener.url, '/health/live')

    const body = assertProblem(metrics, 503, 'SERVICE_UNAVAILABLE')
    assert.doesNotMatch(metrics.body, /exploded/)
    assertProblem(status, 503, 'SERVICE_UNAVAILABLE')
    assert.equal(live.statusCode, 200)
    const logged = lines.find((line) => line.error_id === body.error_id)
    assert.equal(logged?.level, 40)
    assert.match(JSON.stringify(logged?.error), /registry exploded/)
  })

  it('answers 503 within the bound when the source never answers', async (t) => {
    const never = () => new Promise<never>(() => undefined)
    const source = fleetSource({ metrics: never, readiness: never, health: never })
    const { listener } = await startListener(t, { source, timeoutsMs: { health: 100, metrics: 200 } })

    const replies = await Promise.all(
      ['/metrics', '/health/ready', '/health'].map((path) => request(listener.url, path)),
    )

    const [metrics, ready, health] = replies.map((reply) => assertProblem(reply, 503, 'SERVICE_UNAVAILABLE'))
    assert.match(String(metrics?.detail), /metrics did not answer within 200 ms/)
    assert.match(String(ready?.detail), /readiness did not answer within 100 ms/)
    assert.match(String(health?.detail), /health did not answer within 100 ms/)
  })

  it('reports the disk of the data directory, and an error code for one that does not exist', async (t) => {
    const { listener } = await startListener(t, { dataDir: '/nonexistent/bulwark-data' })

    const reply = await request(listener.url, '/status')

    assert.equal(reply.statusCode, 200)
    assert.deepEqual(JSON.parse(reply.body).disk, { path: '/nonexistent/bulwark-data', error: 'ENOENT' })
  })

  it('refuses an empty token rather than running unprotected', async () => {
    await assert.rejects(startListener(undefined, { token: '' }), /ADMIN_TOKEN/)
  })
})

describe('the admin listener refusals', () => {
  it('throws a FatalError (exit 69) naming ADMIN_PORT when the port is in use', async (t) => {
    const { listener } = await startListener(t)

    const refusal = startListener(undefined, { port: listener.port })

    await assert.rejects(refusal, (error: unknown) => {
      assert.ok(error instanceof FatalError)
      assert.equal(
        error.message,
        `admin port ${listener.port} is in use; stop what listens there or set ADMIN_PORT`,
      )
      assert.equal(error.exitCode, 69)
      return true
    })
  })

  it('throws a FatalError naming ADMIN_HOST for an address that is not local', async () => {
    const refusal = startListener(undefined, { host: '192.0.2.1' })

    await assert.rejects(refusal, {
      message: 'ADMIN_HOST is not an address of this machine; set ADMIN_HOST (or 127.0.0.1)',
    })
  })

  it('logs its close and refuses connections after it', async () => {
    const { listener, lines } = await startListener(undefined)

    await listener.close()

    assert.ok(lines.some((line) => line.message === 'admin listener closed' && line.port === listener.port))
    await assert.rejects(request(listener.url, '/health/live'))
  })
})

function assertNumbers(object: Record<string, unknown> | undefined, keys: string[]): void {
  for (const key of keys) assert.equal(typeof object?.[key], 'number', `${key} in ${JSON.stringify(object)}`)
}
