import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { TEST_SIGNING_KEY_FILE, buildTestApp, testConfig } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'

describe('request ids', () => {
  it('keeps a valid incoming X-Request-ID and returns it', async (t) => {
    const { app, logs } = await buildTestApp(t)

    const response = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-123.DEF:9_z' } })

    assert.equal(response.headers['x-request-id'], 'abc-123.DEF:9_z')
    assert.ok(
      logs.some((line) => line.request_id === 'abc-123.DEF:9_z' && line.message === 'request completed'),
    )
  })

  it('replaces an unsafe or oversized X-Request-ID with a UUID', async (t) => {
    const { app } = await buildTestApp(t)

    for (const unsafe of ['has space', 'x'.repeat(129), 'evil\u001b[31m', 'a"b', '']) {
      const response = await app.inject({ url: '/health/live', headers: { 'x-request-id': unsafe } })

      assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/)
    }
  })

  it('generates a UUID when none is sent, and puts it in every log line of the request', async (t) => {
    const { app, logs } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      payload: { values: 'x' },
    })

    const id = response.headers['x-request-id']
    assert.match(String(id), /^[0-9a-f-]{36}$/)
    assert.equal(response.json().request_id, id)
    const access = logs.find((line) => line.request_id === id && line.message === 'request completed')
    assert.ok(access, 'access line carries the request id')
  })
})

describe('access log', () => {
  it('writes one line per request with the route pattern, status, duration, bytes and address', async (t) => {
    const { app, logs } = await buildTestApp(t)

    await app.inject({ url: '/api/v1/math/fibonacci/10' })

    const lines = logs.filter((line) => line.message === 'request completed')
    assert.equal(lines.length, 1)
    const line = lines[0]!
    assert.equal(line.method, 'GET')
    assert.equal(line.route, '/api/v1/math/fibonacci/:n')
    assert.equal(line.status, 200)
    assert.equal(typeof line.duration_ms, 'number')
    assert.equal(typeof line.response_bytes, 'number')
    assert.equal(line.remote_addr, '127.0.0.1')
  })

  it('warns about requests slower than SLOW_REQUEST_MS', async (t) => {
    const { app, logs } = await buildTestApp(t, { SLOW_REQUEST_MS: '1' }, (app) => {
      app.get('/test/slow', { config: { public: true } }, async () => {
        await sleep(20)
        return { ok: true }
      })
    })

    await app.inject({ url: '/test/slow' })

    const line = logs.find((entry) => entry.message === 'slow request')
    assert.ok(line)
    assert.equal(line.level, 40)
    assert.equal(line.slow, true)
  })

  it('warns about requests slower than LOG_SLOW_REQUEST_MS, and refuses it set together with its former name', async (t) => {
    const { app, logs } = await buildTestApp(t, { LOG_SLOW_REQUEST_MS: '1' }, (app) => {
      app.get('/test/slow', { config: { public: true } }, async () => {
        await sleep(20)
        return { ok: true }
      })
    })

    await app.inject({ url: '/test/slow' })

    assert.equal(logs.find((entry) => entry.message === 'slow request')?.slow, true)
    assert.throws(
      () => testConfig({ LOG_SLOW_REQUEST_MS: '10', SLOW_REQUEST_MS: '10' }),
      /SLOW_REQUEST_MS: the former name of LOG_SLOW_REQUEST_MS/,
    )
  })

  it('with LOG_ACCESS_SAMPLE_RATE=0 drops fast successes and keeps errors and slow requests', async (t) => {
    const { anonymous, logs } = await buildTestApp(
      t,
      { LOG_ACCESS_SAMPLE_RATE: '0', LOG_SLOW_REQUEST_MS: '10' },
      (app) => {
        app.get('/test/slow', { config: { public: true } }, async () => {
          await sleep(30)
          return { ok: true }
        })
      },
    )

    await anonymous({ url: '/health/live' })
    await anonymous({ url: '/nope' })
    await anonymous({ url: '/test/slow' })

    const statuses = logs
      .filter((line) => line.message === 'request completed' || line.message === 'slow request')
      .map((line) => [line.route, line.status])
    assert.deepEqual(statuses, [
      [null, 404],
      ['/test/slow', 200],
    ])
  })

  it('with LOG_ACCESS_SAMPLE_RATE=0.5 writes about half of the fast successes', async (t) => {
    const { anonymous, logs } = await buildTestApp(t, { LOG_ACCESS_SAMPLE_RATE: '0.5' })

    for (let index = 0; index < 400; index += 1) await anonymous({ url: '/health/live' })

    const written = logs.filter((line) => line.message === 'request completed').length
    // Binomial(400, 0.5): outside 140..260 once in about 10^9 runs.
    assert.ok(written > 140 && written < 260, `${written} of 400 written`)
  })

  it('refuses a LOG_ACCESS_SAMPLE_RATE outside 0..1', () => {
    for (const rate of ['1.5', '-0.1', 'half', '2']) {
      assert.throws(() => testConfig({ LOG_ACCESS_SAMPLE_RATE: rate }), /LOG_ACCESS_SAMPLE_RATE/)
    }
  })

  it('names the principal (user_id, api_key_id) in the access line and the application lines of the request', async (t) => {
    const { app, logs, principalId } = await buildTestApp(t, {}, (app) => {
      app.get('/test/logs', async (request) => {
        request.log.info('from the handler')
        return { ok: true }
      })
    })

    const response = await app.inject({ url: '/test/logs' })

    const id = response.headers['x-request-id']
    const lines = logs.filter((line) => line.request_id === id)
    assert.deepEqual(
      lines.map((line) => [line.message, line.user_id]),
      [
        ['from the handler', principalId],
        ['request completed', principalId],
      ],
    )
    assert.ok(lines.every((line) => typeof line.api_key_id === 'string' && line.api_key_id !== ''))
    assert.ok(!JSON.stringify(lines).includes('bk_'), 'no key secret in the lines')
  })

  it('names no principal for an anonymous request', async (t) => {
    const { anonymous, logs } = await buildTestApp(t)

    await anonymous({ url: '/health/live' })

    const line = logs.find((entry) => entry.message === 'request completed')
    assert.ok(line)
    assert.equal('user_id' in line, false)
    assert.equal('api_key_id' in line, false)
  })

  it('names the error code of an error response', async (t) => {
    const { app, logs } = await buildTestApp(t)

    const response = await app.inject({ url: '/nope' })

    const line = logs.find((entry) => entry.message === 'request completed')
    assert.equal(line?.error_code, 'NOT_FOUND')
    assert.equal(line.error_id, response.json().error_id)
  })

  it('redacts credentials at the top level and in logged headers and bodies', async (t) => {
    const { app, logs } = await buildTestApp(t)

    app.log.info({
      headers: { authorization: 'Bearer s3cr3t', cookie: 'sid=s3cr3t', 'x-api-key': 'bk_s3cr3t' },
      body: { password: 's3cr3t', refresh_token: 's3cr3t' },
      req: { headers: { authorization: 'Bearer s3cr3t' } },
      token: 's3cr3t',
    })

    const text = JSON.stringify(logs)
    assert.ok(!text.includes('s3cr3t'))
    assert.ok(text.includes('[redacted]'))
  })
})

describe('security headers', () => {
  it('sets the helmet headers with a CSP that allows nothing on API responses, without HSTS outside production', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({ url: '/api/v1/math/fibonacci/3' })

    assert.equal(response.headers['x-content-type-options'], 'nosniff')
    assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN')
    assert.match(String(response.headers['content-security-policy']), /default-src 'none'/)
    assert.equal(response.headers['strict-transport-security'], undefined)
    assert.equal(response.headers['x-powered-by'], undefined)
  })

  it('adds HSTS in production', async (t) => {
    const { app } = await buildTestApp(t, {
      NODE_ENV: 'production',
      SECRET_KEY: 'k3J9x-Qw8vL2mN5pR7tY1zA4bC6dE0fG_hI',
      DATABASE_URL: 'postgres://app@db.internal/app',
      DOCS_ENABLED: 'false',
      AUTH_JWT_SIGNING_KEY_FILE: TEST_SIGNING_KEY_FILE,
    })

    const response = await app.inject({ url: '/health/live' })

    assert.match(String(response.headers['strict-transport-security']), /max-age=31536000; includeSubDomains/)
  })

  it('sets them on error responses too', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({ url: '/missing' })

    assert.equal(response.headers['x-content-type-options'], 'nosniff')
  })
})

describe('CORS', () => {
  const ORIGINS = { CORS_ORIGINS: 'https://app.example.com' }

  it('answers an allowed preflight with 204 and the allow headers', async (t) => {
    const { app } = await buildTestApp(t, ORIGINS)

    const response = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/math/evaluate',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-request-id',
      },
    })

    assert.equal(response.statusCode, 204)
    assert.equal(response.headers['access-control-allow-origin'], 'https://app.example.com')
    assert.match(String(response.headers['access-control-allow-methods']), /POST/)
    assert.equal(response.headers['access-control-allow-headers'], 'content-type, x-request-id')
    assert.equal(response.headers['access-control-max-age'], '600')
    assert.match(String(response.headers.vary), /Origin/)
  })

  it('denies a preflight from an origin not in the list with 403 and no allow headers', async (t) => {
    const { app } = await buildTestApp(t, ORIGINS)

    const response = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/math/evaluate',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    })

    assertProblem(response, 403, 'CORS_ORIGIN_DENIED')
    assert.equal(response.headers['access-control-allow-origin'], undefined)
  })

  it('adds the allow-origin header to simple requests from allowed origins only', async (t) => {
    const { app } = await buildTestApp(t, ORIGINS)

    const allowed = await app.inject({ url: '/health/live', headers: { origin: 'https://app.example.com' } })
    const denied = await app.inject({ url: '/health/live', headers: { origin: 'https://evil.example.com' } })

    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com')
    assert.equal(allowed.headers['access-control-allow-credentials'], 'true')
    assert.match(String(allowed.headers['access-control-expose-headers']), /X-Request-ID/)
    // A browser app can read its rate limit: the fields the server sends (RFC draft names, not the old ones).
    assert.match(String(allowed.headers['access-control-expose-headers']), /RateLimit-Policy, RateLimit$/)
    assert.equal(denied.headers['access-control-allow-origin'], undefined)
  })

  it('allows any origin without credentials when CORS_ORIGINS=* (development only)', async (t) => {
    const { app } = await buildTestApp(t, { CORS_ORIGINS: '*' })

    const response = await app.inject({ url: '/health/live', headers: { origin: 'https://any.example.org' } })

    assert.equal(response.headers['access-control-allow-origin'], '*')
    assert.equal(response.headers['access-control-allow-credentials'], undefined)
  })
})

describe('compression', () => {
  it('compresses responses above the threshold for clients that accept it', async (t) => {
    const { app } = await buildTestApp(t, { COMPRESSION_THRESHOLD_BYTES: '1024' })

    const big = await app.inject({
      url: '/api/v1/math/fibonacci/20000',
      headers: { 'accept-encoding': 'gzip' },
    })
    const small = await app.inject({
      url: '/api/v1/math/fibonacci/10',
      headers: { 'accept-encoding': 'gzip' },
    })
    const plain = await app.inject({ url: '/api/v1/math/fibonacci/20000' })

    assert.equal(big.headers['content-encoding'], 'gzip')
    assert.ok(big.rawPayload.length < plain.rawPayload.length / 1.5)
    assert.equal(small.headers['content-encoding'], undefined)
    assert.equal(plain.headers['content-encoding'], undefined)
  })

  it('refuses compressed request bodies with 415 (they would bypass the body limit)', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: 'not really gzip',
    })

    assertProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE')
  })
})

describe('draining', () => {
  it('answers with Connection: close once shutdown has begun', async (t) => {
    const { app, lifecycle } = await buildTestApp(t)

    lifecycle.startDraining()
    const response = await app.inject({ url: '/health/live' })

    assert.equal(response.headers.connection, 'close')
  })
})

describe('TRUST_PROXY', () => {
  it('ignores X-Forwarded-For from a peer that is not a listed proxy', async (t) => {
    const { app, logs } = await buildTestApp(t, { TRUST_PROXY: '10.0.0.5' })

    await app.inject({ url: '/health/live', headers: { 'x-forwarded-for': '203.0.113.9' } })

    const line = logs.find((entry) => entry.message === 'request completed')
    assert.equal(line?.remote_addr, '127.0.0.1')
  })

  it('believes X-Forwarded-For from a listed proxy', async (t) => {
    const { app, logs } = await buildTestApp(t, { TRUST_PROXY: '127.0.0.0/8' })

    await app.inject({ url: '/health/live', headers: { 'x-forwarded-for': '203.0.113.9' } })

    const line = logs.find((entry) => entry.message === 'request completed')
    assert.equal(line?.remote_addr, '203.0.113.9')
  })
})

describe('server timeouts', () => {
  it('sets socket inactivity longer than the keep-alive and request timeouts, so neither is pre-empted', async (t) => {
    const { app, config } = await buildTestApp(t, {
      KEEP_ALIVE_TIMEOUT_MS: '72000',
      REQUEST_TIMEOUT_MS: '30000',
    })

    const { server } = app

    assert.equal(server.keepAliveTimeout, 72_000)
    assert.equal(server.requestTimeout, 30_000)
    assert.equal(server.headersTimeout, config.server.headersTimeoutMs)
    assert.ok(server.timeout > server.keepAliveTimeout && server.timeout > server.requestTimeout)
  })
})
