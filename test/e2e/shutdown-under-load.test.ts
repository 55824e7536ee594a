// Issue 8: SIGTERM under keep-alive load. Every request that reached the server is answered; none is reset.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { Agent, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { startServer, type ServerProcess } from '../helpers/server-process.ts'

const CLIENTS = 8
/** Bounds of the load, whatever happens to the server. */
const MAX_REQUESTS_PER_CLIENT = 5000
const MAX_LOAD_MS = 20_000

interface Tally {
  statuses: Map<number, number>
  /** Requests answered with a status other than 2xx, or a 503 without Retry-After. */
  unexpected: string[]
  /** Requests that were written and then lost to a reset or a closed connection without an answer. */
  resets: string[]
  /** Connection attempts refused or reset while connecting once the listener closed: these never reached the server. */
  refused: number
}

type Outcome =
  | { kind: 'reply'; status: number; retryAfter: string | undefined; body: string }
  | { kind: 'error'; code: string; syscall: string | undefined; message: string }

function getOnce(baseUrl: string, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${baseUrl}/health/live`, { agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () =>
        resolve({
          kind: 'reply',
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'],
          body,
        }),
      )
      res.on('error', (error: NodeJS.ErrnoException) => resolve(failure(error)))
    })
    req.on('error', (error: NodeJS.ErrnoException) => resolve(failure(error)))
    req.end()
  })
}

function failure(error: NodeJS.ErrnoException): Outcome {
  return { kind: 'error', code: error.code ?? 'UNKNOWN', syscall: error.syscall, message: error.message }
}

/**
 * One keep-alive client sending requests back to back while `isRouted()` (a balancer sends it traffic),
 * until the listener refuses it or the bounds run out.
 */
async function runClient(
  server: ServerProcess,
  tally: Tally,
  deadline: number,
  isRouted: () => boolean,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  let exited = false
  void server.exited.then(() => (exited = true))
  try {
    for (let sent = 0; sent < MAX_REQUESTS_PER_CLIENT && !exited && performance.now() < deadline; sent++) {
      if (!isRouted()) return
      const outcome = await getOnce(server.baseUrl, agent)
      if (outcome.kind === 'error') {
        // A connection the kernel refused, or reset before it was established, never carried the request.
        if (outcome.code === 'ECONNREFUSED' || outcome.syscall === 'connect') {
          tally.refused += 1
          return
        }
        tally.resets.push(`${outcome.code}: ${outcome.message}`)
        continue
      }
      tally.statuses.set(outcome.status, (tally.statuses.get(outcome.status) ?? 0) + 1)
      const isAnswer =
        (outcome.status >= 200 && outcome.status < 300) ||
        (outcome.status === 503 && outcome.retryAfter !== undefined)
      if (!isAnswer) tally.unexpected.push(`${outcome.status} ${outcome.body}`)
    }
  } finally {
    agent.destroy()
  }
}

function answered(tally: Tally): number {
  return [...tally.statuses.values()].reduce((sum, count) => sum + count, 0)
}

/** Takes the server out of rotation once its readiness fails, like a load balancer probing every 100 ms. */
function pollReadiness(server: ServerProcess): { isRouted: () => boolean; stop: () => void } {
  let routed = true
  const timer = setInterval(() => {
    request(`${server.baseUrl}/health/ready`, { agent: false }, (res) => {
      res.resume()
      if (res.statusCode !== 200) routed = false
    })
      .on('error', () => (routed = false))
      .end()
  }, 100)
  return { isRouted: () => routed, stop: () => clearInterval(timer) }
}

/** Writes one GET on an open connection and collects everything until the server closes it. */
async function getOnOpenSocket(socket: Socket, path: string): Promise<string> {
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (received += chunk))
  const closed = once(socket, 'close').then(() => received)
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
  try {
    return await closed
  } catch (error) {
    return `${received}\n[${String(error)}]`
  }
}

function newTally(): Tally {
  return { statuses: new Map(), unexpected: [], resets: [], refused: 0 }
}

async function runLoad(
  t: { diagnostic(message: string): void },
  server: ServerProcess,
  isRouted: () => boolean,
): Promise<{ tally: Tally; code: number | null }> {
  const tally = newTally()
  const deadline = performance.now() + MAX_LOAD_MS

  const clients = Array.from({ length: CLIENTS }, () => runClient(server, tally, deadline, isRouted))
  while (answered(tally) < 500 && performance.now() < deadline) await sleep(20)
  server.child.kill('SIGTERM')
  await Promise.all(clients)
  const code = await server.exited

  t.diagnostic(
    `answered ${answered(tally)} (${JSON.stringify([...tally.statuses])}), ` +
      `resets ${tally.resets.length}, refused ${tally.refused}`,
  )
  return { tally, code }
}

const SHUTDOWN_ENV = { SHUTDOWN_TIMEOUT_MS: '5000', KEEP_ALIVE_TIMEOUT_MS: '60000' }

describe('shutdown under keep-alive load (issue 8)', () => {
  it('answers every request that reached the server when clients keep sending until refused (no drain delay)', async (t) => {
    const server = await startServer(t, { ...SHUTDOWN_ENV, SHUTDOWN_DRAIN_DELAY_MS: '0' })

    const { tally, code } = await runLoad(t, server, () => true)

    assert.deepEqual(tally.resets, [], 'requests that reached the server were reset')
    assert.deepEqual(tally.unexpected, [])
    assert.equal(code, 0)
  })

  it('answers every request when a balancer stops routing during the drain delay', async (t) => {
    const server = await startServer(t, { ...SHUTDOWN_ENV, SHUTDOWN_DRAIN_DELAY_MS: '500' })
    const balancer = pollReadiness(server)
    t.after(() => balancer.stop())

    const { tally, code } = await runLoad(t, server, balancer.isRouted)

    assert.deepEqual(tally.resets, [], 'requests that reached the server were reset')
    assert.deepEqual(tally.unexpected, [])
    assert.equal(code, 0)
  })

  it('answers a request sent on an open connection after the listener closed, with Connection: close', async (t) => {
    const server = await startServer(t, { ...SHUTDOWN_ENV, SHUTDOWN_DRAIN_DELAY_MS: '0' })
    // One connection accepted but silent so far, one idle after a keep-alive exchange.
    const fresh = connect(server.port, '127.0.0.1')
    const idle = connect(server.port, '127.0.0.1')
    t.after(() => {
      fresh.destroy()
      idle.destroy()
    })
    await Promise.all([once(fresh, 'connect'), once(idle, 'connect')])
    idle.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    await once(idle, 'data')
    idle.removeAllListeners('data')

    server.child.kill('SIGTERM')
    const stopped = await server.waitForLog((line) => line.phase === 'stop_accepting')
    const replies = await Promise.all([
      getOnOpenSocket(fresh, '/health/live'),
      getOnOpenSocket(idle, '/health/live'),
    ])
    const code = await server.exited

    assert.equal(stopped.open_connections, 2, 'both connections were accepted before the listener closed')
    for (const reply of replies) {
      assert.match(reply, /^HTTP\/1\.1 200 /, reply)
      assert.match(reply, /\r\nconnection: close\r\n/i, reply)
    }
    assert.equal(code, 0)
  })
})
