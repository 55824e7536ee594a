// PostgreSQL stopped under the running server: quick 503s, failing readiness, and recovery without a restart.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createPostgresCluster } from '../helpers/postgres-cluster.ts'
import { assertDatabaseUnavailable, poll, send } from '../helpers/replies.ts'
import { startServer } from '../helpers/server-process.ts'

describe('PostgreSQL outage under the running server', () => {
  it('answers 503 with Retry-After within the connect timeout and fails readiness while PostgreSQL is down, then recovers without a restart', async (t) => {
    const cluster = await createPostgresCluster(t)
    const server = await startServer(t, {
      DATABASE_URL: cluster.url,
      DB_SSL: 'disable',
      DB_CONNECT_TIMEOUT_MS: '1000',
      MIGRATE_ON_START: 'true',
      // Every read below must need the database: a cached plan is answered without it for up to the TTL
      // (docs/OPERATIONS.md, Caching), which test/e2e/caching.test.ts covers.
      CACHE_PLANS_TTL_MS: '0',
    })
    const key = await server.adminKey()
    const created = await send(server, key, '/api/v1/plans', { title: 'x', start_date: '2026-12-01' })
    assert.equal(created.statusCode, 201, created.body)
    const plan = JSON.parse(created.body) as { id: string }
    assert.equal((await send(server, key, `/api/v1/plans/${plan.id}`)).statusCode, 200)
    assert.equal((await send(server, key, '/health/ready')).statusCode, 200)
    /** Every API reply from the stop until readiness is back: none may be a 500. */
    const outageStatuses: number[] = []

    await cluster.stop('immediate')
    const read = await send(server, key, `/api/v1/plans/${plan.id}`)
    const write = await send(server, key, '/api/v1/plans', { title: 'y', start_date: '2026-12-02' })
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => send(server, key, `/api/v1/plans/${plan.id}`)),
    )
    // A key the server has never cached must be looked up in the database: unavailable too, never a 401.
    const uncached = await send(server, `bk_${'0'.repeat(16)}_${'A'.repeat(43)}`, `/api/v1/plans/${plan.id}`)
    const notReady = await poll(5000, async () => {
      const reply = await send(server, key, '/health/ready')
      return reply.statusCode === 503 ? reply : undefined
    })
    const live = await send(server, key, '/health/live')
    outageStatuses.push(
      read.statusCode,
      write.statusCode,
      uncached.statusCode,
      ...concurrent.map((reply) => reply.statusCode),
    )

    assertDatabaseUnavailable(read, 'GET during the outage')
    assertDatabaseUnavailable(write, 'POST during the outage')
    concurrent.forEach((reply, index) => assertDatabaseUnavailable(reply, `concurrent GET ${index}`))
    assertDatabaseUnavailable(uncached, 'GET with an uncached key during the outage')
    const readiness = JSON.parse(notReady.body)
    assert.equal(readiness.status, 'unavailable')
    assert.equal(readiness.checks.database.status, 'failing', notReady.body)
    assert.equal(live.statusCode, 200)

    await cluster.start()
    // Readiness comes back on its own; the API is probed alongside, through PostgreSQL's start-up too.
    await poll(15_000, async () => {
      const reply = await send(server, key, `/api/v1/plans/${plan.id}`)
      outageStatuses.push(reply.statusCode)
      const ready = await send(server, key, '/health/ready')
      return ready.statusCode === 200 ? ready : undefined
    })
    const again = await send(server, key, `/api/v1/plans/${plan.id}`)
    const another = await send(server, key, '/api/v1/plans', { title: 'z', start_date: '2026-12-03' })

    assert.ok(
      outageStatuses.every((status) => status === 503 || status === 200),
      `statuses during the outage and recovery: ${outageStatuses.join(', ')}`,
    )
    assert.equal(again.statusCode, 200, again.body)
    assert.deepEqual(JSON.parse(again.body), plan)
    assert.equal(another.statusCode, 201, another.body)
    assert.equal(server.child.exitCode, null, 'the server process is still running')
    assert.deepEqual([...new Set(server.logs.map((line) => line.pid))], [server.child.pid])
    assert.equal(server.logs.filter((line) => line.message === 'listening').length, 1)

    server.child.kill('SIGTERM')
    assert.equal(await server.exited, 0)
    await cluster.stop()
  })
})
