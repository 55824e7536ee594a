// Issue 8: header rules checked over a real socket, since only Node's parser produces these header blocks.
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'
import { parseRaw, rawExchange } from '../../helpers/raw-http.ts'

async function listen(t: TestContext, env: Record<string, string> = {}) {
  const { app, apiKey } = await buildTestApp(t, env)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  return { port, auth: `Authorization: Bearer ${apiKey}\r\n` }
}

function headerLines(count: number): string {
  return Array.from({ length: count }, (_, index) => `X-Filler-${index}: v\r\n`).join('')
}

const CHUNKED_STATISTICS = '10\r\n{"values":[1,2]}\r\n0\r\n\r\n'

describe('request header checks (issue 8)', () => {
  it('answers 400 to a request with two Host headers', async (t) => {
    const { port } = await listen(t)

    const raw = await rawExchange(port, ['GET /health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'])

    const response = parseRaw(raw)
    assertProblem(response, 400, 'BAD_REQUEST')
    assert.equal(response.headers.connection, 'close')
  })

  for (const framing of [
    'Transfer-Encoding: gzip, chunked',
    'Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked',
  ]) {
    it(`answers 400 to ${JSON.stringify(framing)}`, async (t) => {
      const { port, auth } = await listen(t)

      const raw = await rawExchange(port, [
        `POST /api/v1/math/statistics HTTP/1.1\r\nHost: a\r\n${auth}Content-Type: application/json\r\n${framing}\r\n\r\n${CHUNKED_STATISTICS}`,
      ])

      const body = assertProblem(parseRaw(raw), 400, 'BAD_REQUEST')
      assert.match(String(body.detail), /Transfer-Encoding/)
    })
  }

  it('still serves a plain chunked body', async (t) => {
    const { port, auth } = await listen(t)

    const raw = await rawExchange(port, [
      `POST /api/v1/math/statistics HTTP/1.1\r\nHost: a\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${CHUNKED_STATISTICS}`,
    ])

    assert.equal(parseRaw(raw).statusCode, 200, raw)
  })

  it('answers 431 past MAX_HEADER_COUNT header lines, far below MAX_HEADER_SIZE_BYTES', async (t) => {
    const { port } = await listen(t, { MAX_HEADER_COUNT: '20' })

    const raw = await rawExchange(port, [`GET /health/live HTTP/1.1\r\nHost: a\r\n${headerLines(20)}\r\n`])

    assertProblem(parseRaw(raw), 431, 'HEADERS_TOO_LARGE')
  })

  it('accepts exactly MAX_HEADER_COUNT header lines', async (t) => {
    const { port } = await listen(t, { MAX_HEADER_COUNT: '20' })

    const raw = await rawExchange(port, [
      `GET /health/live HTTP/1.1\r\nHost: a\r\nConnection: close\r\n${headerLines(18)}\r\n`,
    ])

    assert.equal(parseRaw(raw).statusCode, 200, raw)
  })

  it('counts the default limit of 100 header lines', async (t) => {
    const { port } = await listen(t)

    const raw = await rawExchange(port, [`GET /health/live HTTP/1.1\r\nHost: a\r\n${headerLines(150)}\r\n`])

    assertProblem(parseRaw(raw), 431, 'HEADERS_TOO_LARGE')
  })
})
