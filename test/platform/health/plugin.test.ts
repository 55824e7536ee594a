import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'

describe('GET /health/live', () => {
  it('answers 200 without calling any dependency', async (t) => {
    let called = false
    const { app } = await buildTestApp(t, {}, (app) => {
      app.health.addCheck({
        name: 'db',
        check: async () => {
          called = true
        },
      })
    })

    const response = await app.inject({ url: '/health/live' })

    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { status: 'ok' })
    assert.equal(called, false)
  })
})

describe('GET /health/ready', () => {
  it('answers 200 with each check when ready', async (t) => {
    const { app } = await buildTestApp(t, {}, (app) => {
      app.health.addCheck({ name: 'db', check: async () => undefined })
    })

    const response = await app.inject({ url: '/health/ready' })

    assert.equal(response.statusCode, 200)
    assert.equal(response.json().status, 'ready')
    assert.equal(response.json().checks.db.status, 'ok')
  })

  it('answers 503 naming the failing check, and logs its error instead of showing it', async (t) => {
    const { app, logs } = await buildTestApp(t, {}, (app) => {
      app.health.addCheck({
        name: 'db',
        check: async () => Promise.reject(new Error('password authentication failed for user "app"')),
      })
    })

    const response = await app.inject({ url: '/health/ready' })

    assert.equal(response.statusCode, 503)
    assert.equal(response.json().status, 'unavailable')
    assert.equal(response.json().checks.db.status, 'failing')
    assert.ok(!response.body.includes('password'), 'driver messages stay out of the public probe')
    const line = logs.find((entry) => entry.message === 'health check failing')
    assert.equal(line?.check, 'db')
    assert.match(String(line?.error), /password authentication failed/)
  })

  it('answers 503 while starting and while draining', async (t) => {
    const { app, lifecycle } = await buildTestApp(t)

    lifecycle.startDraining()
    const draining = await app.inject({ url: '/health/ready' })

    assert.equal(draining.statusCode, 503)
    assert.equal(draining.json().status, 'draining')
    assert.equal(draining.headers['retry-after'], '5')
  })
})
