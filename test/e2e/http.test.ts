// Real sockets against the built server: what only Node's HTTP parser and timeouts can produce.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { bearer, startServer } from '../helpers/server-process.ts'
import { assertProblem } from '../helpers/problem.ts'
import { parseRaw, rawExchange } from '../helpers/raw-http.ts'

describe('the built server over real sockets', () => {
  it('answers 408 with the error body when the headers do not arrive in time', async (t) => {
    const server = await startServer(t, { HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '1000' })

    const raw = await rawExchange(server.port, ['GET /health/live HTTP/1.1\r\nHost: x\r\n'])

    assertProblem(parseRaw(raw), 408, 'REQUEST_TIMEOUT')
  })

  it('answers 408 when the body does not arrive in time', async (t) => {
    const server = await startServer(t, { HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '1500' })
    const key = await server.adminKey()

    const raw = await rawExchange(server.port, [
      `POST /api/v1/math/statistics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"values":`,
    ])

    assertProblem(parseRaw(raw), 408, 'REQUEST_TIMEOUT')
  })

  it('answers 431 with the error body for oversized headers', async (t) => {
    const server = await startServer(t)

    const raw = await rawExchange(
      server.port,
      [`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
      8000,
      500,
    )

    assertProblem(parseRaw(raw), 431, 'HEADERS_TOO_LARGE')
  })

  it('answers 431 with the error body on a keep-alive connection that already served a request', async (t) => {
    const server = await startServer(t)

    const raw = await rawExchange(
      server.port,
      [
        'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n',
        `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      ],
      8000,
      500,
    )

    const second = raw.slice(raw.indexOf('HTTP/1.1', 10))
    assertProblem(parseRaw(second), 431, 'HEADERS_TOO_LARGE')
  })

  it('answers 400 with the error body for a request the parser cannot read', async (t) => {
    const server = await startServer(t)

    const raw = await rawExchange(server.port, ['NOT-HTTP\r\n\r\n'])

    assertProblem(parseRaw(raw), 400, 'BAD_REQUEST')
  })

  it('answers 413 from the declared Content-Length without reading the body', async (t) => {
    const server = await startServer(t, { BODY_LIMIT_BYTES: '2048' })
    const key = await server.adminKey()

    const response = await fetch(`${server.baseUrl}/api/v1/math/statistics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(key) },
      body: JSON.stringify({ values: Array.from({ length: 2000 }, (_, i) => i) }),
    })

    assertProblem(
      {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      },
      413,
      'PAYLOAD_TOO_LARGE',
    )
  })

  it('exports requests in flight, open connections, the database pool and event-loop utilisation', async (t) => {
    const server = await startServer(t)
    const key = await server.adminKey()
    const adminLine = await server.waitForLog((line) => line.message === 'admin listening')
    const metricsUrl = `http://127.0.0.1:${String(adminLine.port)}/metrics`
    await fetch(`${server.baseUrl}/api/v1/plans`, { headers: bearer(key) }).then((response) =>
      response.text(),
    )

    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text()

    const value = (series: string) => Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(text)?.[1])
    assert.equal(value('http_requests_in_flight'), 0)
    assert.ok(value('http_connections_open') >= 0)
    assert.ok(value('db_pool_connections{state="max"}') >= 1, text)
    assert.ok(value('db_pool_connections{state="total"}') >= 1)
    assert.equal(value('db_pool_waiting_requests'), 0)
    const utilisation = value('nodejs_eventloop_utilization')
    assert.ok(utilisation >= 0 && utilisation <= 1, String(utilisation))
    assert.match(text, /^http_response_size_bytes_count\{method="GET",route="\/api\/v1\/plans"\} 1$/m)
  })

  it('serves the Math API with security headers, request id and keep-alive', async (t) => {
    const server = await startServer(t)
    const key = await server.adminKey()

    const response = await fetch(`${server.baseUrl}/api/v1/math/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'e2e-1', ...bearer(key) },
      body: JSON.stringify({ expression: 'sqrt(x^2 + y^2)', scope: { x: 3, y: 4 } }),
    })

    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { result: 5, type: 'number' })
    assert.equal(response.headers.get('x-request-id'), 'e2e-1')
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(response.headers.get('connection'), 'keep-alive')
    assert.match(response.headers.get('keep-alive') ?? '', /timeout=72/)
  })

  it('writes JSON access lines with the request id in production format', async (t) => {
    const server = await startServer(t)
    const key = await server.adminKey()

    const response = await fetch(`${server.baseUrl}/api/v1/math/fibonacci/12`, {
      headers: { 'x-request-id': 'e2e-log', ...bearer(key) },
    })
    const line = await server.waitForLog((entry) => entry.request_id === 'e2e-log')

    assert.equal(response.status, 200)
    assert.equal(line.message, 'request completed')
    assert.equal(line.route, '/api/v1/math/fibonacci/:n')
    assert.equal(line.level, 'info')
  })
})
