// Issue 11: the process model under real load. A primary with workers on the embedded database, steady
// keep-alive traffic from this test, and the operations an operator (or a failure) performs meanwhile:
// SIGHUP reload, SIGTERM, recycling, kill -9 of a worker, a busy event loop, crashes, scaling.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it, type TestContext } from 'node:test'
import { MEMORY_FLAGS } from '../../src/server/memory-flags.ts'
import { isolatedEnv, MAIN, runBulwark, startServer, type ServerProcess } from '../helpers/server-process.ts'
import { startSteadyLoad, type LoadTally } from '../helpers/steady-load.ts'

interface WorkerView {
  slot: number
  pid: number
  state: string
}

const FLEET_ENV = { WORKERS: '2', SHUTDOWN_TIMEOUT_MS: '5000', SHUTDOWN_DRAIN_DELAY_MS: '0' }
/** The steady load of the issue: several hundred requests per second, paced, from 8 keep-alive clients. */
const RATE = 600
/** Enough answered requests to call it load: about a second of it. */
const LOAD_BEFORE = 600

async function startFleet(t: TestContext, env: Record<string, string> = {}) {
  const server = await startServer(t, { ...FLEET_ENV, ...env })
  const adminLine = await server.waitForLog((line) => line.message === 'admin listening')
  const admin = `http://127.0.0.1:${String(adminLine.port)}`
  return { server, admin }
}

async function workers(admin: string): Promise<WorkerView[]> {
  const response = await fetch(`${admin}/status`, { signal: AbortSignal.timeout(5000) })
  const status = (await response.json()) as { workers: WorkerView[] }
  return status.workers
}

async function readyPids(admin: string): Promise<number[]> {
  return (await workers(admin)).filter((view) => view.state === 'ready').map((view) => view.pid)
}

/** Polls until `check` holds, at most `timeoutMs`; returns how long it took. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const began = performance.now()
  while (performance.now() - began < timeoutMs) {
    if (await check().catch(() => false)) return Math.round(performance.now() - began)
    await sleep(50)
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`)
}

function report(t: TestContext, tally: LoadTally) {
  t.diagnostic(
    `ok ${tally.ok}, failed ${tally.failures.length}, refused ${tally.refused}, ${tally.rate} req/s over ${tally.durationMs} ms`,
  )
}

function load(server: ServerProcess) {
  return startSteadyLoad({
    url: `${server.baseUrl}/health/live`,
    clients: 8,
    ratePerSecond: RATE,
    maxMs: 45_000,
  })
}

async function counter(admin: string, name: string): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`, { signal: AbortSignal.timeout(5000) })).text()
  let total = 0
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      total += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return total
}

describe('workers under load (issue 11)', { timeout: 240_000 }, () => {
  it('SIGHUP replaces every worker one at a time with no failed request', async (t) => {
    const { server, admin } = await startFleet(t)
    const before = await readyPids(admin)
    assert.equal(before.length, 2)
    const traffic = load(server)
    await traffic.waitForAnswers(LOAD_BEFORE)

    server.child.kill('SIGHUP')
    await server.waitForLog((line) => line.message === 'reload finished', 30_000)
    await traffic.waitForAnswers(LOAD_BEFORE)
    const tally = await traffic.stop()
    report(t, tally)

    const after = await readyPids(admin)
    assert.deepEqual(tally.failures, [])
    assert.equal(after.length, 2)
    for (const pid of before) assert.ok(!after.includes(pid), `worker ${pid} was not replaced`)
    assert.ok(tally.rate >= 300, `the load was ${tally.rate} req/s`)
    // Replacements run with the memory flags too (src/server/memory-flags.ts), though the test's primary
    // was started without them.
    for (const pid of after) {
      const argv = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split('\0')
      for (const flag of MEMORY_FLAGS) assert.ok(argv.includes(flag), `worker ${pid} runs ${argv.join(' ')}`)
    }
  })

  it('SIGTERM under load: no failed in-flight request, exit 0 within the timeout', async (t) => {
    const { server, admin } = await startFleet(t, { SHUTDOWN_DRAIN_DELAY_MS: '500' })
    // A load balancer probing the management readiness every 100 ms stops routing once it fails.
    let routed = true
    const probe = setInterval(() => {
      fetch(`${admin}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => (routed &&= response.status === 200),
        () => (routed = false),
      )
    }, 100)
    t.after(() => clearInterval(probe))
    const traffic = startSteadyLoad({
      url: `${server.baseUrl}/health/live`,
      ratePerSecond: RATE,
      isRouted: () => routed,
      maxMs: 45_000,
    })
    await traffic.waitForAnswers(LOAD_BEFORE)

    const began = performance.now()
    server.child.kill('SIGTERM')
    const code = await server.exited
    const tookMs = performance.now() - began
    const tally = await traffic.stop()
    report(t, tally)

    assert.equal(code, 0)
    assert.deepEqual(tally.failures, [])
    assert.ok(tookMs < 5000, `shutdown took ${Math.round(tookMs)} ms`)
    assert.ok(server.logs.some((line) => line.reason === 'shutdown' && line.message === 'worker exited'))
  })

  it('recycles workers after WORKER_MAX_REQUESTS with no failed request, and counters never go back', async (t) => {
    const { server, admin } = await startFleet(t, {
      WORKER_MAX_REQUESTS: '300',
      WORKER_MAX_REQUESTS_JITTER: '50',
    })
    const traffic = load(server)
    const recycled = () =>
      server.logs.filter((line) => line.message === 'worker exited' && line.reason === 'recycled_requests')
    await until(async () => recycled().length >= 1, 30_000, 'a first recycled worker')
    const countedBefore = await counter(admin, 'http_requests_total')
    await until(async () => recycled().length >= 3, 30_000, 'three recycled workers')
    await traffic.waitForAnswers(LOAD_BEFORE)
    const tally = await traffic.stop()
    report(t, tally)
    const countedAfter = await counter(admin, 'http_requests_total')

    assert.deepEqual(tally.failures, [])
    assert.ok(
      countedAfter >= countedBefore,
      `http_requests_total went from ${countedBefore} to ${countedAfter}`,
    )
    assert.ok(countedAfter >= tally.ok * 0.9, `counted ${countedAfter} of ${tally.ok} answered`)
    assert.equal((await readyPids(admin)).length, 2)
  })

  it('kill -9 of a worker: only its in-flight requests fail, and the count is restored within seconds', async (t) => {
    const { server, admin } = await startFleet(t)
    const traffic = load(server)
    await traffic.waitForAnswers(LOAD_BEFORE)
    const [victim] = await readyPids(admin)
    assert.ok(victim !== undefined)

    process.kill(victim, 'SIGKILL')
    const restoredMs = await until(
      async () => {
        const pids = await readyPids(admin)
        return pids.length === 2 && !pids.includes(victim)
      },
      8000,
      'two ready workers again',
    )
    await traffic.waitForAnswers(LOAD_BEFORE)
    const tally = await traffic.stop()
    report(t, tally)
    t.diagnostic(`restored in ${restoredMs} ms`)

    // Each of the 8 clients has at most one request in flight.
    assert.ok(tally.failures.length <= 8, tally.failures.join('\n'))
    // The issue asks for 2 s (docs/OPERATIONS.md: what a replacement costs to start, and on a busy machine).
    assert.ok(restoredMs <= 2000, `restored in ${restoredMs} ms`)
    assert.ok(server.logs.some((line) => line.message === 'worker crashed' && line.pid === victim))
  })

  it('kills and replaces a worker whose event loop is stuck, while the admin port keeps answering', async (t) => {
    const { server, admin } = await startFleet(t, { WORKER_HEARTBEAT_TIMEOUT_MS: '1500' })
    // Both workers busy for longer than the heartbeat timeout.
    const busy = [1, 2].map(() =>
      fetch(`${server.baseUrl}/__test/busy?ms=20000`, { signal: AbortSignal.timeout(30_000) }).catch(
        (error: unknown) => error,
      ),
    )
    await sleep(300)
    const scrapeBegan = performance.now()
    const metrics = await fetch(`${admin}/metrics`, { signal: AbortSignal.timeout(5000) })
    const scrapeMs = performance.now() - scrapeBegan
    const text = await metrics.text()
    const killed = await server.waitForLog((line) => line.fired === 'heartbeat', 5000)
    await Promise.all(busy)
    await until(async () => (await readyPids(admin)).length === 2, 10_000, 'two ready workers again')

    assert.equal(metrics.status, 200)
    assert.ok(scrapeMs < 4000, `the scrape took ${Math.round(scrapeMs)} ms`)
    assert.match(text, /bulwark_workers_missed_scrape [12]\b/)
    assert.ok(
      Number(killed.silent_ms) < 1500 + 1500,
      `killed after ${String(killed.silent_ms)} ms of silence`,
    )
    assert.match(String(killed.message), /not a request timeout/)
  })

  it('answers an exception inside a request with 500 and keeps the worker; one outside a request replaces it', async (t) => {
    const { server, admin } = await startFleet(t)
    const before = await readyPids(admin)

    const thrown = await fetch(`${server.baseUrl}/__test/throw`)
    const body = (await thrown.json()) as { error_id?: string }
    assert.equal(thrown.status, 500)
    assert.match(body.error_id ?? '', /\S/)
    assert.deepEqual((await readyPids(admin)).toSorted(), before.toSorted())

    const crash = (await (await fetch(`${server.baseUrl}/__test/crash`)).json()) as { crashing: number }
    await server.waitForLog((line) => line.message === 'worker crashed' && line.pid === crash.crashing, 5000)
    await until(
      async () => {
        const pids = await readyPids(admin)
        return pids.length === 2 && !pids.includes(crash.crashing)
      },
      5000,
      'the crashed worker replaced',
    )
  })

  it('stops with a clear error and a non-zero exit on a crash loop instead of spinning', async (t) => {
    const { server } = await startFleet(t)
    // Crash whichever worker answers, until the supervisor gives up.
    // While every worker is restarting nothing listens on the port: a request may wait or be refused.
    const deadline = performance.now() + 40_000
    while (server.child.exitCode === null && performance.now() < deadline) {
      await fetch(`${server.baseUrl}/__test/crash`, { signal: AbortSignal.timeout(2000) }).catch(
        () => undefined,
      )
      await sleep(150)
    }
    const code = await server.exited

    assert.equal(code, 1)
    const fatal = server.logs.find((line) => line.level === 'fatal' && line.worker === 'primary')
    assert.match(String(fatal?.message), /crash loop: 5 worker failures within 60 s/)
  })

  it('replaces a worker stopped by a SIGTERM of its own, without counting it as a failure', async (t) => {
    const { server, admin } = await startFleet(t)
    const [victim] = await readyPids(admin)
    assert.ok(victim !== undefined)

    process.kill(victim, 'SIGTERM')
    await until(
      async () => {
        const pids = await readyPids(admin)
        return pids.length === 2 && !pids.includes(victim)
      },
      10_000,
      'the stopped worker replaced',
    )

    const exit = server.logs.find((line) => line.pid === victim && line.reason === 'exited_unasked')
    assert.equal(exit?.code, 0)
    assert.equal(await counter(admin, 'bulwark_worker_exits_total{reason="exited_unasked"}'), 1)
    assert.equal(await counter(admin, 'bulwark_worker_exits_total{reason="crashed"}'), 0)
  })

  it('recycles a worker past WORKER_MAX_AGE_S and past WORKER_MAX_RSS_MB', async (t) => {
    const aged = await startFleet(t, { WORKER_MAX_AGE_S: '2' })
    const grown = await startFleet(t, { WORKER_MAX_RSS_MB: '1' })

    const age = await aged.server.waitForLog((line) => line.reason === 'recycled_age', 15_000)
    const rss = await grown.server.waitForLog((line) => line.reason === 'recycled_rss', 15_000)

    assert.equal(age.message, 'recycling worker')
    assert.ok(Number(age.age_s) >= 2)
    assert.equal(rss.message, 'recycling worker')
    assert.ok(Number(rss.rss_mb) > 1)
  })

  it('does not blame the workers for a pause of the primary (SIGSTOP, a paused container)', async (t) => {
    const { server, admin } = await startFleet(t, { WORKER_HEARTBEAT_TIMEOUT_MS: '1000' })
    const before = await readyPids(admin)

    server.child.kill('SIGSTOP')
    await sleep(2500)
    server.child.kill('SIGCONT')
    await server.waitForLog(
      (line) => line.message === 'the supervisor was paused; heartbeat clocks restarted',
      5000,
    )
    await sleep(1500)

    assert.deepEqual((await readyPids(admin)).toSorted(), before.toSorted())
    assert.ok(!server.logs.some((line) => line.fired === 'heartbeat'))
  })

  it('stops at once on SIGTERM while its workers are still starting', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      env: isolatedEnv({
        NODE_ENV: 'test',
        WORKERS: '2',
        PORT: '0',
        ADMIN_PORT: '0',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
      }),
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const exited = once(child, 'exit')
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no worker started: ${output}`)), 30_000)
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('"message":"worker started"')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    const began = performance.now()
    child.kill('SIGTERM')
    const [code] = (await exited) as [number | null]

    assert.equal(code, 0)
    assert.ok(performance.now() - began < 4000, `took ${Math.round(performance.now() - began)} ms`)
    assert.ok(!output.includes('did not stop in time'), output)
  })

  it('refuses a busy port in one line before opening the database or forking', async (t) => {
    const holder = createNetServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    t.after(() => holder.close())
    const { port } = holder.address() as AddressInfo

    const busy = await runBulwark(['serve'], {
      NODE_ENV: 'test',
      WORKERS: '2',
      PORT: String(port),
      LOG_FORMAT: 'json',
      SECRET_KEY: 'workers-busy-port-secret-3b8e1f7a2c9d',
    })

    assert.equal(busy.code, 69, busy.stdout + busy.stderr)
    const lines = busy.stdout.trim().split('\n')
    assert.equal(lines.length, 1, busy.stdout)
    assert.match(lines[0] ?? '', new RegExp(`port ${port} is in use; stop what listens there or set PORT`))
    assert.equal(busy.stderr, '')
  })

  it('adds a worker on SIGTTIN and removes one on SIGTTOU', async (t) => {
    const { server, admin } = await startFleet(t)

    server.child.kill('SIGTTIN')
    await until(async () => (await readyPids(admin)).length === 3, 10_000, 'three workers')
    server.child.kill('SIGTTOU')
    await until(async () => (await workers(admin)).length === 2, 10_000, 'two workers')
  })

  it('keeps the running workers when the configuration re-read by SIGHUP fails its check', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-reload-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const envFile = join(dir, '.env')
    writeFileSync(envFile, 'WORKER_MAX_AGE_S=0\n')
    const { server, admin } = await startFleet(t, { ENV_FILE: envFile })
    const before = await readyPids(admin)

    writeFileSync(envFile, 'WORKER_MAX_AGE_S=soon\n')
    server.child.kill('SIGHUP')
    const refused = await server.waitForLog((line) => String(line.message).startsWith('reload refused'), 5000)

    assert.match(JSON.stringify(refused.problems), /WORKER_MAX_AGE_S/)
    assert.deepEqual((await readyPids(admin)).toSorted(), before.toSorted())
  })
})

describe('one process (WORKERS=1)', () => {
  it('runs the management listener inside the process, with HTTP metrics labelled by route pattern', async (t) => {
    const server = await startServer(t)
    const adminLine = await server.waitForLog((line) => line.message === 'admin listening')
    const admin = `http://127.0.0.1:${String(adminLine.port)}`
    await fetch(`${server.baseUrl}/api/v1/plans/0b9e0d1e-2a4b-4c6d-8e0f-1a2b3c4d5e6f`)
    await fetch(`${server.baseUrl}/no/such/path/42`)

    const status = (await (await fetch(`${admin}/status`)).json()) as { workers: WorkerView[]; pid: number }
    const metrics = await (await fetch(`${admin}/metrics`)).text()
    const ready = await fetch(`${admin}/health/ready`)

    assert.equal(ready.status, 200)
    assert.deepEqual(
      status.workers.map((view) => view.pid),
      [status.pid],
    )
    assert.match(
      metrics,
      /http_requests_total\{method="GET",route="\/api\/v1\/plans\/:id",status_code="401"\} 1/,
    )
    assert.match(metrics, /http_requests_total\{method="GET",route="__unmatched__",status_code="\d+"\} 1/)
    assert.doesNotMatch(metrics, /no\/such\/path/)
  })
})
