// Issue 12: load shedding under real overload. The built server (one process, its admin listener in it) is
// offered several times what it can serve, open-loop (requests keep arriving whatever the answers, as from
// many independent clients); it sheds with 503 OVERLOADED and Retry-After, the requests it admits stay fast,
// it neither crashes nor grows without bound, its probes and admin listener keep answering, and once the
// load stops it admits everything again and says so.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Agent, get } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { startServer } from '../helpers/server-process.ts'

/** CPU each request burns in the test-only busy route: the server's capacity is at most 1000 / WORK_MS per second. */
const WORK_MS = 10
/** Three times that capacity (on a machine with a core to spare for it). */
const OFFERED_PER_SECOND = 300
const LOAD_MS = 4000
/** Upper bound on what is sent, whatever the timers do. */
const MAX_REQUESTS = (OFFERED_PER_SECOND * LOAD_MS) / 1000
/** Without shedding, the queue would grow by 2/3 of every second offered: about 2.7 s of waiting at the end. */
const ADMITTED_P99_BOUND_MS = 1000
/**
 * Growth of the process's resident memory under the load, over its size before (which, with the embedded
 * PGlite of NODE_ENV=test, is several hundred MB): shed requests hold nothing, so memory stays flat.
 */
const RSS_GROWTH_BOUND_MB = 100
const REQUEST_TIMEOUT_MS = 15_000
/** Connections opened before the load: more than it keeps busy at once once shedding (rate × latency). */
const WARM_CONNECTIONS = 64
const ENTERED = 'overloaded: shedding requests with 503 OVERLOADED'
const LEFT = 'overload over: admitting every request'

interface Outcome {
  status: number
  latencyMs: number
  retryAfter: string | undefined
  errorCode: string | undefined
}

function getOnce(url: string, agent?: Agent): Promise<Outcome> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const request = get(url, { agent, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => {
        const status = response.statusCode ?? 0
        const errorCode = status >= 400 ? (JSON.parse(body) as { error_code?: string }).error_code : undefined
        const retryAfter = response.headers['retry-after']
        resolve({ status, latencyMs: performance.now() - started, retryAfter, errorCode })
      })
    })
    request.on('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)))
    request.on('error', reject)
  })
}

/**
 * Opens the clients' connections and compiles the server's code paths before the load: what is measured is
 * overload, not a cold process facing a storm of new connections.
 */
async function warmUp(url: string, agent: Agent): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await Promise.all(Array.from({ length: WARM_CONNECTIONS }, () => getOnce(url, agent)))
  }
}

/** Sends at a fixed rate without waiting for answers (open loop); resolves with every outcome. */
async function offerLoad(url: string, agent: Agent): Promise<PromiseSettledResult<Outcome>[]> {
  const pending: Promise<Outcome>[] = []
  const started = performance.now()
  const intervalMs = 1000 / OFFERED_PER_SECOND
  while (pending.length < MAX_REQUESTS && performance.now() - started < LOAD_MS) {
    const due = started + pending.length * intervalMs
    const waitMs = due - performance.now()
    if (waitMs > 1) await sleep(waitMs)
    pending.push(getOnce(url, agent))
  }
  return Promise.allSettled(pending)
}

/** Polls `probe` every 200 ms until `until` settles; resolves with every outcome. */
async function pollDuring(probe: () => Promise<number>, until: Promise<unknown>): Promise<number[]> {
  const seen: number[] = []
  let done = false
  void until.finally(() => (done = true))
  while (!done) {
    seen.push(await probe())
    await sleep(200)
  }
  return seen
}

function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) / 1024
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0
}

async function shedCount(admin: string): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`, { signal: AbortSignal.timeout(5000) })).text()
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith('overload_shed_requests_total{reason="event_loop_delay"}'))
  return Number(line?.slice(line.lastIndexOf(' ') + 1))
}

describe('overload of the built server (issue 12)', () => {
  it('sheds with 503 OVERLOADED at three times capacity, keeps admitted requests fast and recovers', async (t) => {
    const server = await startServer(t, {
      WORKERS: '1',
      OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '50',
      OVERLOAD_SAMPLE_INTERVAL_MS: '100',
      OVERLOAD_RETRY_AFTER_S: '1',
    })
    const adminLine = await server.waitForLog((line) => line.message === 'admin listening')
    const admin = `http://127.0.0.1:${String(adminLine.port)}`
    const pid = server.child.pid ?? 0
    const rssBeforeMb = rssMbOf(pid)
    const agent = new Agent({ keepAlive: true, maxSockets: 512 })
    t.after(() => agent.destroy())
    await warmUp(`${server.baseUrl}/__test/busy?ms=0`, agent)
    // Start-up and the warm-up may cross the threshold on their own: the load starts once that is over.
    const count = (message: string) => server.logs.filter((line) => line.message === message).length
    while (count(ENTERED) > count(LEFT)) await sleep(100)
    const firstLine = server.logs.length
    const shedBefore = await shedCount(admin)
    const sinceLoad = (message: string) => (line: Record<string, unknown>) =>
      line.message === message && server.logs.indexOf(line) >= firstLine

    const load = offerLoad(`${server.baseUrl}/__test/busy?ms=${WORK_MS}`, agent)
    const [outcomes, liveProbes, adminProbes, rssSamples] = await Promise.all([
      load,
      pollDuring(async () => (await getOnce(`${server.baseUrl}/health/live`)).status, load),
      pollDuring(async () => (await getOnce(`${admin}/health/live`)).status, load),
      pollDuring(async () => rssMbOf(pid), load),
    ])
    const recovered = await server.waitForLog(sinceLoad(LEFT))
    const after = await Promise.all([1, 2, 3].map(() => getOnce(`${server.baseUrl}/__test/busy?ms=1`)))

    const failures = outcomes.filter((outcome) => outcome.status === 'rejected')
    const answers = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []))
    const admitted = answers.filter((answer) => answer.status === 200)
    const shed = answers.filter((answer) => answer.status === 503)
    const others = answers.filter((answer) => answer.status !== 200 && answer.status !== 503)
    const admittedP99Ms = percentile(
      admitted.map((answer) => answer.latencyMs),
      0.99,
    )
    const entered = server.logs.find(sinceLoad(ENTERED))
    t.diagnostic(
      `offered ${String(outcomes.length)}: ${String(admitted.length)} admitted (p50 ${percentile(
        admitted.map((answer) => answer.latencyMs),
        0.5,
      ).toFixed(0)} ms, ` +
        `p99 ${admittedP99Ms.toFixed(0)} ms), ${String(shed.length)} shed (p99 ${percentile(
          shed.map((answer) => answer.latencyMs),
          0.99,
        ).toFixed(0)} ms); ` +
        `RSS ${rssBeforeMb.toFixed(0)} MB before, ${Math.max(...rssSamples).toFixed(0)} MB at most; overloaded for ${String(recovered.overloaded_ms)} ms`,
    )

    assert.deepEqual(failures, [])
    assert.deepEqual(others, [])
    assert.ok(
      shed.length > outcomes.length / 4,
      `only ${String(shed.length)} of ${String(outcomes.length)} shed`,
    )
    assert.ok(admitted.length > 0)
    assert.ok(shed.every((answer) => answer.errorCode === 'OVERLOADED' && answer.retryAfter === '1'))
    assert.ok(admittedP99Ms < ADMITTED_P99_BOUND_MS, `admitted p99 ${admittedP99Ms.toFixed(0)} ms`)
    assert.equal(server.child.exitCode, null)
    assert.ok(
      Math.max(...rssSamples) - rssBeforeMb < RSS_GROWTH_BOUND_MB,
      `RSS up to ${Math.max(...rssSamples).toFixed(0)} MB`,
    )
    assert.ok(
      liveProbes.length > 0 && liveProbes.every((status) => status === 200),
      `probes: ${liveProbes.join()}`,
    )
    assert.ok(
      adminProbes.length > 0 && adminProbes.every((status) => status === 200),
      `admin: ${adminProbes.join()}`,
    )
    assert.equal(entered?.reason, 'event_loop_delay')
    assert.equal(entered?.level, 'warn')
    assert.equal(recovered.shed_requests, shed.length)
    assert.equal((await shedCount(admin)) - shedBefore, shed.length)
    assert.deepEqual(
      after.map((answer) => answer.status),
      [200, 200, 200],
    )
  })
})
