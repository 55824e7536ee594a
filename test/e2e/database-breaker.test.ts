// Issue 12: PostgreSQL becomes unreachable under steady load (every connection cut, then traffic
// black-holed): the `postgres` circuit breaker opens after its volume threshold, requests that need the
// database get fast 503s with Retry-After instead of waiting out connect timeouts, the admin listener's
// metrics and detailed health show it open; once PostgreSQL is reachable again it half-opens and closes
// by itself and requests succeed.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emptyDatabase } from '../helpers/database.ts'
import { createFaultProxy } from '../helpers/fault-proxy.ts'
import { poll, send, type Reply } from '../helpers/replies.ts'
import { bearer, startServer, type ServerProcess } from '../helpers/server-process.ts'
import { startSteadyLoad } from '../helpers/steady-load.ts'

const RESET_TIMEOUT_MS = 2000
const ENV = {
  DB_SSL: 'disable',
  MIGRATE_ON_START: 'true',
  HANDLER_TIMEOUT_MS: '1500',
  DB_CONNECT_TIMEOUT_MS: '1000',
  DB_STATEMENT_TIMEOUT_MS: '5000',
  BREAKER_VOLUME_THRESHOLD: '10',
  BREAKER_RESET_TIMEOUT_MS: String(RESET_TIMEOUT_MS),
  BREAKER_WINDOW_MS: '5000',
}
/** A refusal by the open breaker never waits on the network: far under the 1 s connect timeout. */
const FAST_MS = 300
const BREAKER_DETAIL = 'The database failed repeatedly; requests that need it are refused until it recovers'

interface BreakerHealth {
  health: {
    breakers: Record<string, { state: string; retry_in_ms?: number }>
    dependencies: Record<string, { degraded: boolean }>
  }
}

async function adminUrl(server: ServerProcess): Promise<string> {
  const line = await server.waitForLog((entry) => entry.message === 'admin listening')
  return `http://127.0.0.1:${line.port as number}`
}

async function adminGet(admin: string, path: string): Promise<string> {
  const response = await fetch(`${admin}${path}`, { signal: AbortSignal.timeout(5000) })
  return response.text()
}

async function breakerHealth(admin: string): Promise<BreakerHealth['health']> {
  const body = JSON.parse(await adminGet(admin, '/health')) as { workers: BreakerHealth[] }
  return (body.workers[0] as BreakerHealth).health
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0)
}

describe('the postgres circuit breaker in the built server (issue 12)', { timeout: 120_000 }, () => {
  it('opens when PostgreSQL becomes unreachable under load, answers fast 503s, and closes by itself once it is back', async (t) => {
    const url = await emptyDatabase(t)
    const proxy = await createFaultProxy(t, { host: '127.0.0.1', port: Number(new URL(url).port || 5432) })
    const proxied = new URL(url)
    proxied.port = String(proxy.port)
    const server = await startServer(t, { ...ENV, DATABASE_URL: proxied.toString() })
    const key = await server.adminKey()
    const admin = await adminUrl(server)
    const load = startSteadyLoad({
      url: `${server.baseUrl}/api/v1/plans?limit=1`,
      headers: bearer(key),
      clients: 6,
      maxMs: 90_000,
    })
    t.after(() => load.stop())
    await load.waitForAnswers(100)

    // Unreachable: every connection cut, and new ones accepted but never answered (a dead host).
    const faultAt = performance.now()
    proxy.setBlackHole(true)
    proxy.cutAll()
    const opened = await server.waitForLog((line) => line.message === 'circuit breaker open', 20_000)
    const openedAfterMs = performance.now() - faultAt
    const metricsWhileOpen = await adminGet(admin, '/metrics')
    const healthWhileOpen = await breakerHealth(admin)
    const refusals: Reply[] = []
    for (let request = 0; request < 40; request += 1) {
      refusals.push(await send(server, key, '/api/v1/plans?limit=1'))
    }

    const restoredAt = performance.now()
    proxy.setBlackHole(false)
    const closed = await server.waitForLog((line) => line.message === 'circuit breaker closed', 20_000)
    const closedAfterMs = performance.now() - restoredAt
    const recovered = await poll(10_000, async () => {
      const reply = await send(server, key, '/api/v1/plans?limit=1')
      return reply.statusCode === 200 ? reply : undefined
    })
    const tally = await load.stop()
    const metricsAfter = await adminGet(admin, '/metrics')
    const healthAfter = await breakerHealth(admin)

    // Opened by the load, after its volume threshold.
    assert.equal(opened.level, 'warn', 'opening is logged at warn')
    assert.equal(opened.breaker, 'postgres')
    assert.ok((opened.window as { calls: number }).calls >= 10, JSON.stringify(opened))
    // While open: 503 DATABASE_UNAVAILABLE with Retry-After; refusals by the breaker are fast.
    for (const reply of refusals) assert.equal(reply.statusCode, 503, reply.body)
    const fast = refusals.filter((reply) => JSON.parse(reply.body).detail === BREAKER_DETAIL)
    for (const reply of fast) {
      assert.equal(JSON.parse(reply.body).error_code, 'DATABASE_UNAVAILABLE', reply.body)
      assert.match(reply.headers['retry-after'] ?? '', /^[12]$/, 'Retry-After: seconds until half-open')
    }
    const latencies = fast.map((reply) => reply.elapsedMs)
    t.diagnostic(
      `opened ${Math.round(openedAfterMs)} ms after the fault, closed ${Math.round(closedAfterMs)} ms after ` +
        `the restore; load: ${tally.ok} ok, ${tally.failures.length} answered 503, ${tally.rate}/s`,
    )
    t.diagnostic(
      `breaker refusals: ${fast.length}/${refusals.length}, p50 ${percentile(latencies, 0.5)} ms, ` +
        `p99 ${percentile(latencies, 0.99)} ms, max ${percentile(latencies, 1)} ms`,
    )
    // The others are the breaker's trial calls (one per reset timeout), which wait for the network.
    assert.ok(
      fast.length >= refusals.length - 4,
      `${fast.length} of ${refusals.length} refused by the breaker`,
    )
    for (const latency of latencies) assert.ok(latency < FAST_MS, `a refusal took ${Math.round(latency)} ms`)
    // Open, or already half-open with its trial out on a slow machine: refusing either way.
    assert.match(
      metricsWhileOpen,
      /^circuit_breaker_state\{breaker="postgres",state="(open|half_open)"\} 1$/m,
    )
    assert.match(metricsWhileOpen, /^circuit_breaker_state\{breaker="postgres",state="closed"\} 0$/m)
    assert.match(metricsWhileOpen, /^dependency_degraded\{dependency="breaker:postgres"\} 1$/m)
    assert.match(healthWhileOpen.breakers.postgres?.state ?? '', /^(open|half_open)$/)
    assert.equal(healthWhileOpen.dependencies['breaker:postgres']?.degraded, true)
    // Back by itself: half-open, one trial, closed; requests succeed again.
    assert.equal(closed.breaker, 'postgres')
    assert.ok(
      server.logs.some((line) => line.message === 'circuit breaker half-open: one trial call'),
      'it half-opened before closing',
    )
    assert.equal(recovered.statusCode, 200)
    assert.equal(healthAfter.breakers.postgres?.state, 'closed')
    assert.equal(healthAfter.dependencies['breaker:postgres']?.degraded, false)
    assert.match(metricsAfter, /^circuit_breaker_state\{breaker="postgres",state="closed"\} 1$/m)
    assert.match(metricsAfter, /^circuit_breaker_transitions_total\{breaker="postgres",to="closed"\} [1-9]/m)
    assert.equal(
      server.logs.filter((line) => line.message === 'circuit breaker open').length,
      1,
      'one warning for the outage; failed trials are logged at info',
    )
    // Every request of the load got an HTTP answer: 2xx, or a 503 from the database layer.
    const unanswered = tally.failures.filter((failure) => !failure.startsWith('503 '))
    assert.deepEqual(unanswered, [])
    assert.ok(tally.ok > 100)
    assert.equal(server.child.exitCode, null)
  })
})
