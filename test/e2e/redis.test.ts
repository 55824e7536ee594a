// Redis is an optional, degradable dependency of the built server: an unreachable or stopped Redis shows
// in the detailed health and the dependency_degraded gauge, is logged once, and never makes it unready.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { freePort } from '../helpers/postgres-cluster.ts'
import { startRedisServer } from '../helpers/redis-server.ts'
import { poll, send } from '../helpers/replies.ts'
import { runBulwark, startServer, type ServerProcess } from '../helpers/server-process.ts'
import { TEST_REDIS_URL } from '../helpers/redis.ts'

interface WorkerHealth {
  health: {
    checks: Record<string, { status: string; critical: boolean }>
    dependencies: Record<string, { degraded: boolean; reason?: string }>
  }
}

/** The management listener's port, from its `admin listening` line. */
async function adminUrl(server: ServerProcess): Promise<string> {
  const line = await server.waitForLog((entry) => entry.message === 'admin listening')
  return `http://127.0.0.1:${line.port as number}`
}

async function detailedHealth(admin: string): Promise<{ status: number; worker: WorkerHealth }> {
  const response = await fetch(`${admin}/health`, { signal: AbortSignal.timeout(5000) })
  const body = (await response.json()) as { workers: WorkerHealth[] }
  return { status: response.status, worker: body.workers[0] as WorkerHealth }
}

async function degradedGauge(admin: string): Promise<string | undefined> {
  const response = await fetch(`${admin}/metrics`, { signal: AbortSignal.timeout(5000) })
  return /^dependency_degraded\{dependency="redis"\} (\d)$/m.exec(await response.text())?.[1]
}

const warnings = (server: ServerProcess) =>
  server.logs.filter((line) => line.message === 'dependency degraded' && line.dependency === 'redis')

describe('the server with Redis', { timeout: 90_000 }, () => {
  it('starts and serves when nothing listens at REDIS_URL: ready, with redis degraded in the detailed health', async (t) => {
    const port = await freePort()

    const server = await startServer(t, { REDIS_URL: `redis://127.0.0.1:${port}` })
    const key = await server.adminKey()
    const admin = await adminUrl(server)
    const math = await send(server, key, '/api/v1/math/fibonacci/10')
    const ready = await send(server, key, '/health/ready')
    const { status, worker } = await detailedHealth(admin)

    assert.equal(math.statusCode, 200, math.body)
    assert.equal(ready.statusCode, 200, ready.body)
    assert.equal(JSON.parse(ready.body).checks.redis.status, 'failing')
    assert.equal(status, 200)
    assert.equal(worker.health.checks.redis?.status, 'failing')
    assert.equal(worker.health.checks.redis?.critical, false)
    assert.equal(worker.health.dependencies.redis?.degraded, true)
    assert.match(worker.health.dependencies.redis?.reason ?? '', /ECONNREFUSED/)
    assert.equal(await degradedGauge(admin), '1')
    // Reconnection keeps failing every 2 s at most: still one warning.
    assert.equal(warnings(server).length, 1)
  })

  it('stays ready while its Redis is down, reports it degraded, and recovers by itself when it is back', async (t) => {
    const redis = await startRedisServer(t)
    const server = await startServer(t, { REDIS_URL: redis.url })
    const key = await server.adminKey()
    const admin = await adminUrl(server)
    await server.waitForLog((line) => line.message === 'redis ready')
    const before = await detailedHealth(admin)

    await redis.kill()
    await server.waitForLog((line) => line.message === 'dependency degraded' && line.dependency === 'redis')
    const ready = await send(server, key, '/health/ready')
    const math = await send(server, key, '/api/v1/math/fibonacci/10')
    const during = await detailedHealth(admin)
    const gaugeDuring = await degradedGauge(admin)
    await redis.restart()
    await server.waitForLog(
      (line) => line.message === 'dependency recovered' && line.dependency === 'redis',
      5000,
    )
    const after = await poll(5000, async () => {
      const health = await detailedHealth(admin)
      return health.worker.health.checks.redis?.status === 'ok' ? health : undefined
    })

    assert.equal(before.worker.health.checks.redis?.status, 'ok')
    assert.equal(before.worker.health.dependencies.redis?.degraded, false)
    assert.equal(ready.statusCode, 200, ready.body)
    assert.equal(math.statusCode, 200, math.body)
    assert.equal(during.status, 200)
    assert.equal(during.worker.health.dependencies.redis?.degraded, true)
    assert.equal(gaugeDuring, '1')
    assert.equal(after.worker.health.dependencies.redis?.degraded, false)
    assert.equal(await degradedGauge(admin), '0')
    assert.equal(warnings(server).length, 1)
  })
})

describe('bulwark config check with REDIS_URL', { timeout: 60_000 }, () => {
  it('says whether Redis answers, never printing the URL or its password', async () => {
    const port = await freePort()
    const password = 'n0t-printed-anywhere-Redis'

    const up = await runBulwark(['config', 'check'], { NODE_ENV: 'test', REDIS_URL: TEST_REDIS_URL })
    const down = await runBulwark(['config', 'check'], {
      NODE_ENV: 'test',
      REDIS_URL: `redis://:${password}@127.0.0.1:${port}/3`,
    })

    assert.equal(up.code, 0, up.stderr)
    assert.match(up.stdout, /^REDIS_URL=\[redacted\] {2}\(environment\)$/m)
    assert.match(up.stdout, /^redis: \S+ answers$/m)
    assert.equal(down.code, 0, down.stderr)
    assert.match(
      down.stdout,
      new RegExp(`^redis: no answer from 127\\.0\\.0\\.1:${port} \\(connect ECONNREFUSED`, 'm'),
    )
    assert.ok(!down.stdout.includes(password) && !down.stderr.includes(password))
  })
})
