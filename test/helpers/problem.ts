// assertProblem: the response is the standard RFC 9457 error body with the expected status and code.
import assert from 'node:assert/strict'

interface ResponseLike {
  statusCode: number
  headers: Record<string, unknown>
  body: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function assertProblem(response: ResponseLike, status: number, code: string): Record<string, unknown> {
  assert.equal(response.statusCode, status, response.body)
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/)
  const body = JSON.parse(response.body) as Record<string, unknown>
  assert.equal(body.status, status)
  assert.equal(body.error_code, code)
  assert.equal(body.type, `urn:bulwark:problem:${code.toLowerCase().replaceAll('_', '-')}`)
  assert.equal(typeof body.title, 'string')
  assert.equal(typeof body.detail, 'string')
  assert.match(String(body.error_id), UUID)
  assert.equal(typeof body.request_id, 'string')
  assert.ok(!Number.isNaN(Date.parse(String(body.timestamp))))
  return body
}
