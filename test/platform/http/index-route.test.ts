import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp, TEST_SIGNING_KEY_FILE } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'

describe('GET /', () => {
  it('answers with a small index outside production', async (t) => {
    const { anonymous } = await buildTestApp(t, { NODE_ENV: 'development', DOCS_ENABLED: 'true' })

    const response = await anonymous({ url: '/' })

    assert.equal(response.statusCode, 200)
    const body = response.json<{ name: string; version: string; links: Record<string, string> }>()
    assert.equal(body.name, 'Bulwark API')
    assert.match(body.version, /^\d+\.\d+\.\d+/)
    assert.deepEqual(body.links, {
      docs: '/docs',
      openapi: '/openapi.json',
      liveness: '/health/live',
      readiness: '/health/ready',
      api: '/api/v1',
    })
  })

  it('stays a 404 in production', async (t) => {
    const { app } = await buildTestApp(t, {
      NODE_ENV: 'production',
      SECRET_KEY: 'k3J9x-Qw8vL2mN5pR7tY1zA4bC6dE0fG_hI',
      DATABASE_URL: 'postgres://app@db.internal/app',
      AUTH_JWT_SIGNING_KEY_FILE: TEST_SIGNING_KEY_FILE,
    })

    assertProblem(await app.inject({ url: '/' }), 404, 'NOT_FOUND')
  })
})
