// Issue 12: slow clients cannot hold the built server's connections (Slowloris). Many raw connections send
// an incomplete request a byte a second; the server closes each at its headers or request timeout, the
// sockets it holds stay bounded, and a normal client keeps being answered quickly all along.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { get } from 'node:http'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it, type TestContext } from 'node:test'
import { startServer, type ServerProcess } from '../helpers/server-process.ts'

/** Slow connections open at once: far below MAX_CONNECTIONS' default, bounded for a shared CI machine. */
const SLOW_CONNECTIONS = 200
/** How long the attack lasts; every slow connection that closes is replaced at once, as an attacker does. */
const ATTACK_MS = 6000
const HEADERS_TIMEOUT_MS = 1000
const REQUEST_TIMEOUT_MS = 2000
/** Node checks the deadlines once a second (server-timeouts.ts), and a loaded machine adds its delays. */
const CHECK_SLACK_MS = 1000 + 1000
/** The normal client's bound: every answer within this, while the slow connections are open. */
const NORMAL_LATENCY_BOUND_MS = 1500
/** USER_HZ, 100 on Linux for every architecture Node supports. */
const CLOCK_TICKS_PER_S = 100

interface SlowOutcome {
  /** From connect to the server's close. */
  heldMs: number
  /** The first bytes the server sent before closing (its 408 answer), or ''. */
  answer: string
}

/**
 * A connection that sends `head` at once, then one byte of `trickle` a second, and never finishes; resolves
 * when the server closes it (rejects if it is still open after `limitMs`).
 */
function slowConnection(port: number, head: string, limitMs: number): Promise<SlowOutcome> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1')
    let answer = ''
    let startedAt = 0
    let ticker: NodeJS.Timeout | undefined
    const giveUp = setTimeout(() => {
      socket.destroy()
      reject(new Error(`a slow connection was still open after ${limitMs} ms`))
    }, limitMs)
    socket.setEncoding('utf8')
    socket.on('connect', () => {
      startedAt = performance.now()
      socket.write(head)
      ticker = setInterval(() => socket.write('a'), 1000)
    })
    socket.on('data', (chunk: string) => (answer += chunk))
    // A reset after the answer, or a write racing the close, is the server ending the connection too.
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearInterval(ticker)
      clearTimeout(giveUp)
      resolve({ heldMs: performance.now() - startedAt, answer })
    })
  })
}

/** Keeps `count` slow connections open until `untilMs` (performance.now()), replacing each one closed. */
async function attack(port: number, head: string, count: number, untilMs: number, limitMs: number) {
  const outcomes: SlowOutcome[] = []
  const attacker = async () => {
    while (performance.now() < untilMs) outcomes.push(await slowConnection(port, head, limitMs))
  }
  await Promise.all(Array.from({ length: count }, attacker))
  return outcomes
}

/** One GET on a new connection (no keep-alive): a fresh client needs a free slot, as a new visitor does. */
function normalRequest(port: number, path: string): Promise<{ status: number; ms: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (response) => {
      response.resume()
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }))
    })
    request.on('timeout', () => request.destroy(new Error('normal request timed out')))
    request.on('error', reject)
  })
}

/** A normal client's requests, one after another, until `untilMs`. */
async function normalTraffic(port: number, untilMs: number) {
  const answers: { status: number; ms: number }[] = []
  while (performance.now() < untilMs) {
    answers.push(await normalRequest(port, '/health/live'))
    await sleep(50)
  }
  return answers
}

/** Sockets (TCP and Unix) the server process holds open now, read from its file descriptors. */
function socketsHeldBy(pid: number): number {
  const directory = `/proc/${pid}/fd`
  let count = 0
  for (const fd of readdirSync(directory)) {
    try {
      if (readlinkSync(`${directory}/${fd}`).startsWith('socket:')) count += 1
    } catch {
      // Closed between the listing and the read.
    }
  }
  return count
}

/** CPU time (user and system) the process has used, from /proc/<pid>/stat. */
function cpuTimeMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name; in clock ticks.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S
}

/** Samples socketsHeldBy every 100 ms while `during` runs; resolves with the largest count seen. */
async function peakSockets<T>(server: ServerProcess, during: Promise<T>) {
  const pid = server.child.pid ?? 0
  let peak = socketsHeldBy(pid)
  const sampler = setInterval(() => (peak = Math.max(peak, socketsHeldBy(pid))), 100)
  try {
    return { result: await during, peak }
  } finally {
    clearInterval(sampler)
  }
}

function startTimeoutServer(t: TestContext, env: Record<string, string> = {}) {
  return startServer(t, {
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    WORKERS: '1',
    ...env,
  })
}

/** Waits until the server holds at most `count` sockets again (the slow ones it closed are gone). */
async function settledSockets(server: ServerProcess, count: number, timeoutMs = 5000) {
  const deadline = performance.now() + timeoutMs
  let held = socketsHeldBy(server.child.pid ?? 0)
  while (held > count && performance.now() < deadline) {
    await sleep(100)
    held = socketsHeldBy(server.child.pid ?? 0)
  }
  return held
}

/** What the run measured, in the test report (the bounds asserted are looser, for a loaded machine). */
function report(
  t: TestContext,
  slow: SlowOutcome[],
  normal: { ms: number }[],
  sockets: { baseline: number; peak: number; after: number },
) {
  const longest = Math.max(...slow.map((outcome) => outcome.heldMs))
  const slowest = Math.max(...normal.map((answer) => answer.ms))
  t.diagnostic(
    `${slow.length} slow connections, held at most ${Math.round(longest)} ms; ${normal.length} normal ` +
      `requests, slowest ${Math.round(slowest)} ms; server sockets ${sockets.baseline} before, ` +
      `${sockets.peak} at peak, ${sockets.after} after`,
  )
}

function assertNormalClientServed(answers: { status: number; ms: number }[]) {
  assert.ok(answers.length >= 20, `only ${answers.length} normal requests were made`)
  assert.deepEqual(
    answers.filter((answer) => answer.status !== 200),
    [],
    'every normal request answered 200',
  )
  const slowest = Math.max(...answers.map((answer) => answer.ms))
  assert.ok(slowest < NORMAL_LATENCY_BOUND_MS, `a normal request took ${Math.round(slowest)} ms`)
}

describe('slow clients against the built server (issue 12, Slowloris)', () => {
  it(`closes ${SLOW_CONNECTIONS} connections trickling their headers at HEADERS_TIMEOUT_MS with 408, while a normal client is served`, async (t) => {
    const server = await startTimeoutServer(t)
    const baseline = socketsHeldBy(server.child.pid ?? 0)
    const head = 'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: '
    const until = performance.now() + ATTACK_MS

    const { result, peak } = await peakSockets(
      server,
      Promise.all([
        attack(server.port, head, SLOW_CONNECTIONS, until, HEADERS_TIMEOUT_MS + CHECK_SLACK_MS + 2000),
        normalTraffic(server.port, until),
      ]),
    )
    const [slow, normal] = result
    const after = await settledSockets(server, baseline)
    report(t, slow, normal, { baseline, peak, after })

    assert.ok(slow.length >= 2 * SLOW_CONNECTIONS, `only ${slow.length} slow connections ran to their end`)
    const late = slow.filter((outcome) => outcome.heldMs > HEADERS_TIMEOUT_MS + CHECK_SLACK_MS)
    assert.deepEqual(late, [], 'each slow connection closed within the headers timeout')
    const unanswered = slow.filter((outcome) => !outcome.answer.startsWith('HTTP/1.1 408 '))
    assert.deepEqual(unanswered, [], 'each slow connection got 408')
    assertNormalClientServed(normal)
    // The slow connections, one normal request and a few file descriptors of the runtime at most.
    assert.ok(peak <= baseline + SLOW_CONNECTIONS + 5, `the server held ${peak} sockets (${baseline} before)`)
    assert.ok(after <= baseline, `the server still holds ${after} sockets (${baseline} before)`)
  })

  it(`closes ${SLOW_CONNECTIONS} connections trickling their body at REQUEST_TIMEOUT_MS with 408, while a normal client is served`, async (t) => {
    const server = await startTimeoutServer(t)
    const key = await server.adminKey()
    const baseline = socketsHeldBy(server.child.pid ?? 0)
    // Authenticated, so the server does wait for the body (an anonymous one is answered 401 at once).
    const head =
      `POST /api/v1/math/statistics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"values":['
    const until = performance.now() + ATTACK_MS

    const { result, peak } = await peakSockets(
      server,
      Promise.all([
        attack(server.port, head, SLOW_CONNECTIONS, until, REQUEST_TIMEOUT_MS + CHECK_SLACK_MS + 2000),
        normalTraffic(server.port, until),
      ]),
    )
    const [slow, normal] = result
    const after = await settledSockets(server, baseline)
    report(t, slow, normal, { baseline, peak, after })

    assert.ok(slow.length >= SLOW_CONNECTIONS, `only ${slow.length} slow connections ran to their end`)
    const late = slow.filter((outcome) => outcome.heldMs > REQUEST_TIMEOUT_MS + CHECK_SLACK_MS)
    assert.deepEqual(late, [], 'each slow connection closed within the request timeout')
    const unanswered = slow.filter((outcome) => !outcome.answer.startsWith('HTTP/1.1 408 '))
    assert.deepEqual(unanswered, [], 'each slow connection got 408')
    assertNormalClientServed(normal)
    assert.ok(peak <= baseline + SLOW_CONNECTIONS + 5, `the server held ${peak} sockets (${baseline} before)`)
    assert.ok(after <= baseline, `the server still holds ${after} sockets (${baseline} before)`)
  })

  it('holds at most MAX_CONNECTIONS connections: the ones past it are closed at once, the rest at HEADERS_TIMEOUT_MS', async (t) => {
    const maxConnections = 20
    const server = await startTimeoutServer(t, { MAX_CONNECTIONS: String(maxConnections) })
    const baseline = socketsHeldBy(server.child.pid ?? 0)

    // Silent connections: they connect and never send a byte.
    const { result: silent, peak } = await peakSockets(
      server,
      Promise.all(
        Array.from({ length: 3 * maxConnections }, () =>
          slowConnection(server.port, '', HEADERS_TIMEOUT_MS + CHECK_SLACK_MS + 2000),
        ),
      ),
    )
    const after = await settledSockets(server, baseline)
    const answer = await normalRequest(server.port, '/health/live')

    const dropped = silent.filter((outcome) => outcome.heldMs < HEADERS_TIMEOUT_MS / 2)
    const longest = Math.max(...silent.map((outcome) => outcome.heldMs))
    t.diagnostic(
      `${dropped.length} dropped, the others held at most ${Math.round(longest)} ms; server sockets ${baseline} before, ${peak} at peak`,
    )
    assert.equal(dropped.length, 2 * maxConnections, 'the connections past the limit were closed at once')
    assert.ok(peak <= baseline + maxConnections, `the server held ${peak} sockets (${baseline} before)`)
    const late = silent.filter((outcome) => outcome.heldMs > HEADERS_TIMEOUT_MS + CHECK_SLACK_MS)
    assert.deepEqual(late, [], 'each held connection closed within the headers timeout')
    assert.ok(after <= baseline, `the server still holds ${after} sockets (${baseline} before)`)
    assert.equal(answer.status, 200)
    await server.waitForLog((line) => line.message === 'connection limit reached: connections dropped')
  })

  it('closes the connections past MAX_CONNECTIONS in each worker, without the primary passing them round (WORKERS=2)', async (t) => {
    const maxConnections = 10
    const server = await startTimeoutServer(t, { WORKERS: '2', MAX_CONNECTIONS: String(maxConnections) })
    const primary = server.child.pid ?? 0
    const cpuBefore = cpuTimeMs(primary)
    const started = performance.now()

    const silent = await Promise.all(
      Array.from({ length: 4 * maxConnections }, () =>
        slowConnection(server.port, '', HEADERS_TIMEOUT_MS + CHECK_SLACK_MS + 2000),
      ),
    )
    const primaryBusy = (cpuTimeMs(primary) - cpuBefore) / (performance.now() - started)
    const answer = await normalRequest(server.port, '/health/live')

    const dropped = silent.filter((outcome) => outcome.heldMs < HEADERS_TIMEOUT_MS / 2)
    t.diagnostic(
      `${dropped.length} dropped; the primary was busy ${Math.round(primaryBusy * 100)} % of the time`,
    )
    assert.ok(dropped.length >= 2 * maxConnections, `only ${dropped.length} connections were closed at once`)
    // Without dropMaxConnection the primary spins, handing the connections from one full worker to the next.
    assert.ok(primaryBusy < 0.3, `the primary was busy ${Math.round(primaryBusy * 100)} % of the time`)
    assert.equal(answer.status, 200)
  })
})
