// Redis in the app's health: a check that shows an outage without making the instance unready.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { freePort } from '../../helpers/postgres-cluster.ts'
import { createTestRedisNamespace } from '../../helpers/redis.ts'

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`)
    await sleep(20)
  }
}

describe('Redis in the health of the app', () => {
  it('is an ok check, and a dependency that is not degraded, when Redis answers', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const { app, anonymous, redis } = await buildTestApp(t, namespace.env)
    await waitUntil('connected', () => redis?.isReady() === true)

    const response = await anonymous({ url: '/health/ready' })
    const readiness = await app.health.readiness()

    assert.equal(response.statusCode, 200)
    assert.equal(response.json().checks.redis.status, 'ok')
    assert.equal(response.json().checks.redis.critical, false)
    assert.equal(response.json().dependencies, undefined, 'the public probe shows no dependency states')
    assert.equal(readiness.dependencies.redis?.degraded, false)
    await redis?.redis.set(redis.key('probe'), '1')
    assert.equal(await namespace.redis.get(`${namespace.keyPrefix}probe`), '1')
  })

  it('keeps the instance ready when Redis is unreachable, and reports it failing and degraded', async (t) => {
    const port = await freePort()
    const { app, anonymous, degradation, logs } = await buildTestApp(t, {
      REDIS_URL: `redis://127.0.0.1:${port}`,
    })
    await waitUntil('degraded', () => degradation.isDegraded('redis'))

    const started = performance.now()
    const response = await anonymous({ url: '/health/ready' })
    const elapsedMs = performance.now() - started
    const readiness = await app.health.readiness()
    const metrics = await app.metrics.metrics()

    assert.equal(response.statusCode, 200)
    assert.equal(response.json().status, 'ready')
    assert.equal(response.json().checks.redis.status, 'failing')
    assert.ok(elapsedMs < 1000, `answered in ${elapsedMs} ms`)
    assert.equal(readiness.dependencies.redis?.degraded, true)
    assert.match(metrics, /^dependency_degraded\{dependency="redis"\} 1$/m)
    assert.equal(
      logs.filter((line) => line.message === 'dependency degraded' && line.dependency === 'redis').length,
      1,
    )
  })
})
