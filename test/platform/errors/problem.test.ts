import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../../../src/platform/errors/app-error.ts'
import { PLATFORM_ERRORS, platformErrors } from '../../../src/platform/errors/catalog.ts'
import { problemBodyOf, problemTypeOf } from '../../../src/platform/errors/problem.ts'
import { toAppError } from '../../../src/platform/errors/translate.ts'
import { clientErrorResponse } from '../../../src/platform/http/client-errors.ts'

describe('problemBodyOf', () => {
  it('builds an RFC 9457 body with the Bulwark extensions', () => {
    const error = platformErrors.NOT_FOUND({ detail: 'No plan 42' })

    const body = problemBodyOf(error, {
      requestId: 'req-1',
      instance: '/api/v1/plans/42',
      errorId: 'e-1',
      now: new Date('2026-01-02T03:04:05.000Z'),
    })

    assert.deepEqual(body, {
      type: 'urn:bulwark:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: 'No plan 42',
      instance: '/api/v1/plans/42',
      error_id: 'e-1',
      error_code: 'NOT_FOUND',
      request_id: 'req-1',
      timestamp: '2026-01-02T03:04:05.000Z',
    })
  })

  it('falls back to the title when there is no detail', () => {
    const body = problemBodyOf(platformErrors.INTERNAL_ERROR(), { requestId: 'r', instance: undefined })

    assert.equal(body.detail, 'Internal server error')
    assert.equal('instance' in body, false)
  })
})

describe('toAppError', () => {
  it('passes AppErrors through, marking 5xx as unexpected', () => {
    const error = new AppError('X', { status: 503, title: 'x', description: 'x' })

    assert.deepEqual(toAppError(error), { appError: error, unexpected: true })
    assert.equal(toAppError(platformErrors.NOT_FOUND()).unexpected, false)
  })

  it('turns anything unknown into INTERNAL_ERROR with the original as cause', () => {
    const original = new TypeError('x is undefined')

    const { appError, unexpected } = toAppError(original)

    assert.equal(appError.code, 'INTERNAL_ERROR')
    assert.equal(appError.cause, original)
    assert.equal(unexpected, true)
    assert.equal(toAppError('a string').appError.code, 'INTERNAL_ERROR')
  })

  it('keeps the message of other 4xx errors raised by Fastify', () => {
    const error = Object.assign(new Error('Bad URL'), { statusCode: 400, code: 'FST_ERR_BAD_URL' })

    assert.equal(toAppError(error).appError.code, 'BAD_REQUEST')
    assert.equal(toAppError(error).appError.detail, 'Bad URL')
  })
})

describe('clientErrorResponse', () => {
  it('writes a complete HTTP response with the problem body for each parser error', () => {
    const cases: [string | undefined, number, string][] = [
      ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'REQUEST_TIMEOUT'],
      ['HPE_HEADER_OVERFLOW', 431, 'HEADERS_TOO_LARGE'],
      ['HPE_INVALID_METHOD', 400, 'BAD_REQUEST'],
      [undefined, 400, 'BAD_REQUEST'],
    ]
    for (const [nodeCode, status, code] of cases) {
      const raw = clientErrorResponse(nodeCode)
      const [head = '', body = ''] = raw.split('\r\n\r\n')

      assert.match(head, new RegExp(`^HTTP/1.1 ${status} `))
      assert.match(head, /Content-Type: application\/problem\+json/)
      assert.match(head, /Connection: close/)
      assert.match(head, new RegExp(`Content-Length: ${Buffer.byteLength(body)}`))
      assert.equal(JSON.parse(body).error_code, code)
      assert.equal(JSON.parse(body).type, problemTypeOf(code))
    }
  })

  it('has a catalog entry for every code it can produce', () => {
    for (const code of ['REQUEST_TIMEOUT', 'HEADERS_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'BAD_REQUEST']) {
      assert.ok(code in PLATFORM_ERRORS)
    }
  })
})
