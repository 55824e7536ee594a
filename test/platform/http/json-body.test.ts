// Issue 8: JSON bodies are read as UTF-8 only, strictly; what Fastify would read silently wrong is refused.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'

const STATISTICS = '{"values":[1,2]}'

describe('JSON request bodies', () => {
  it('answers 415 for a charset other than UTF-8', async (t) => {
    const { app } = await buildTestApp(t)

    for (const contentType of ['application/json; charset=latin1', 'application/json;charset="utf-16"']) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/math/statistics',
        headers: { 'content-type': contentType },
        payload: STATISTICS,
      })

      assertProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE')
    }
  })

  it('accepts UTF-8 however the charset is spelled', async (t) => {
    const { app } = await buildTestApp(t)

    for (const contentType of ['application/json; charset=utf-8', 'application/json; charset="UTF-8"']) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/math/statistics',
        headers: { 'content-type': contentType },
        payload: STATISTICS,
      })

      assert.equal(response.statusCode, 200, response.body)
    }
  })

  it('answers 400 MALFORMED_JSON for a body that starts with a byte-order mark', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/statistics',
      headers: { 'content-type': 'application/json' },
      payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(STATISTICS)]),
    })

    assertProblem(response, 400, 'MALFORMED_JSON')
  })

  it('answers 400 MALFORMED_JSON for bytes that are not UTF-8 instead of replacing them', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/math/evaluate',
      headers: { 'content-type': 'application/json' },
      payload: Buffer.concat([Buffer.from('{"expression":"1+1'), Buffer.from([0xff]), Buffer.from('"}')]),
    })

    assertProblem(response, 400, 'MALFORMED_JSON')
  })

  it('still refuses prototype poisoning and empty bodies', async (t) => {
    const { app } = await buildTestApp(t)
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/math/statistics',
        headers: { 'content-type': 'application/json' },
        payload,
      })

    assertProblem(await post('{"values":[1],"__proto__":{"x":1}}'), 400, 'MALFORMED_JSON')
    assertProblem(await post(''), 400, 'MALFORMED_JSON')
  })
})
