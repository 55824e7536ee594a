// The real process under SIGTERM: in-flight requests finish, readiness fails during the drain, exit 0.
import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { bearer, startServer, type ServerProcess } from '../helpers/server-process.ts'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** An authenticated POST whose body trickles in over `spreadMs`, so the request stays in flight that long. */
function slowStatistics(server: ServerProcess, key: string, agent: Agent, spreadMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ values: [1, 2, 3, 4, 5] })
    const req = request(
      `${server.baseUrl}/api/v1/math/statistics`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...bearer(key),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
      },
    )
    req.on('error', reject)
    req.write(body.slice(0, 5))
    setTimeout(() => req.end(body.slice(5)), spreadMs)
  })
}

function get(server: ServerProcess, path: string, agent?: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.baseUrl}${path}`, { agent: agent ?? false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end()
  })
}

const SHUTDOWN_ENV = {
  SHUTDOWN_DRAIN_DELAY_MS: '1000',
  SHUTDOWN_TIMEOUT_MS: '10000',
  KEEP_ALIVE_TIMEOUT_MS: '60000',
}

describe('graceful shutdown of the real process', () => {
  it('finishes every in-flight request, fails readiness while draining, and exits 0 long before keep-alive ends', async (t) => {
    const server = await startServer(t, SHUTDOWN_ENV)
    const key = await server.adminKey()
    const agent = new Agent({ keepAlive: true, maxSockets: 10 })
    t.after(() => agent.destroy())
    // Idle keep-alive connections that the shutdown must close itself.
    await Promise.all(Array.from({ length: 4 }, () => get(server, '/health/live', agent)))
    assert.equal((await get(server, '/health/ready')).status, 200)

    const inFlight = Array.from({ length: 3 }, () => slowStatistics(server, key, agent, 2500))
    await sleep(200)
    const signalledAt = performance.now()
    server.child.kill('SIGTERM')
    await server.waitForLog((line) => line.phase === 'drain')
    const readiness = await get(server, '/health/ready')
    const replies = await Promise.all(inFlight)
    const code = await server.exited
    const elapsedMs = performance.now() - signalledAt

    assert.equal(readiness.status, 503)
    assert.equal(JSON.parse(readiness.body).status, 'draining')
    assert.equal(readiness.headers.connection, 'close')
    for (const reply of replies) {
      assert.equal(reply.status, 200, reply.body)
      assert.equal(JSON.parse(reply.body).count, 5)
    }
    assert.equal(code, 0)
    assert.ok(elapsedMs < 10_000, `exited after ${Math.round(elapsedMs)} ms, keep-alive timeout is 60 s`)
    const phases = server.logs.filter((line) => typeof line.phase === 'string').map((line) => line.phase)
    assert.deepEqual([...new Set(phases)], ['drain', 'stop_accepting', 'in_flight', 'stopped'])
    assert.equal(server.logs.find((line) => line.phase === 'stopped')?.forced_connections, 0)
  })

  it('cuts requests still running when SHUTDOWN_TIMEOUT_MS runs out, and still exits 0', async (t) => {
    const server = await startServer(t, {
      ...SHUTDOWN_ENV,
      SHUTDOWN_DRAIN_DELAY_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '500',
    })
    const key = await server.adminKey()
    const agent = new Agent({ keepAlive: true })
    t.after(() => agent.destroy())

    const stuck = slowStatistics(server, key, agent, 5000).catch((error: unknown) => error)
    await sleep(200)
    server.child.kill('SIGTERM')
    const code = await server.exited

    assert.equal(code, 0)
    assert.ok((await stuck) instanceof Error, 'the stuck request was cut')
    assert.equal(server.logs.find((line) => line.phase === 'stopped')?.forced_connections, 1)
  })

  it('treats the same signal delivered twice at once (npm forwarding a Ctrl-C) as one', async (t) => {
    const server = await startServer(t, { ...SHUTDOWN_ENV, SHUTDOWN_DRAIN_DELAY_MS: '300' })

    server.child.kill('SIGINT')
    server.child.kill('SIGINT')
    const code = await server.exited

    assert.equal(code, 0)
    assert.ok(server.logs.some((line) => line.phase === 'stopped'))
  })

  it('exits at once on a second signal', async (t) => {
    const server = await startServer(t, { ...SHUTDOWN_ENV, SHUTDOWN_DRAIN_DELAY_MS: '20000' })

    server.child.kill('SIGTERM')
    await server.waitForLog((line) => line.phase === 'drain')
    await sleep(500) // past the window in which a repeated signal counts as the same one
    const sentAt = performance.now()
    server.child.kill('SIGINT')
    const code = await server.exited

    assert.equal(code, 1)
    assert.ok(performance.now() - sentAt < 3000)
  })
})
