// The load-shedding step: 503 OVERLOADED with Retry-After while overloaded, the probes never shed, the log
// line at each crossing and the metrics, driven by samples the test feeds in.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import { errorsPlugin } from '../../../src/platform/errors/plugin.ts'
import { httpPlugin } from '../../../src/platform/http/plugin.ts'
import {
  createLoadShedding,
  OVERLOAD_ACTIVE_METRIC,
  OVERLOAD_ADMIT_RATIO_METRIC,
  SHED_REQUESTS_METRIC,
} from '../../../src/platform/resilience/load-shedding.ts'
import type { OverloadSample } from '../../../src/platform/resilience/overload.ts'
import type { OverloadSamplerCallbacks } from '../../../src/platform/resilience/overload-sampler.ts'
import { testConfig } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'

const MIB = 1024 * 1024
const CALM: OverloadSample = {
  eventLoopDelayMs: 1,
  eventLoopUtilization: 0.1,
  heapUsedBytes: 50 * MIB,
  rssBytes: 120 * MIB,
}
const BUSY: OverloadSample = { ...CALM, eventLoopDelayMs: 500 }

async function sheddingApp(t: TestContext, draws: number[] = [], isStarting = () => false) {
  const config = testConfig({ OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '100', OVERLOAD_RETRY_AFTER_S: '7' }).overload
  const lines: { level: string; details: Record<string, unknown>; message: string }[] = []
  const log = {
    warn: (details: object, message: string) =>
      lines.push({ level: 'warn', details: { ...details }, message }),
    info: (details: object, message: string) =>
      lines.push({ level: 'info', details: { ...details }, message }),
  }
  const metrics = new Registry()
  let feed: OverloadSamplerCallbacks | undefined
  let closed = false
  let nowMs = 0
  const shedding = createLoadShedding(config, {
    log,
    metrics,
    exemptUrls: ['/health/live'],
    startSampler: (callbacks) => {
      feed = callbacks
      return { close: () => (closed = true) }
    },
    now: () => nowMs,
    isStarting,
    // Each request draws the next value; 0.99 (shed whenever anything is) once they run out.
    random: () => draws.shift() ?? 0.99,
  })
  const app = Fastify()
  t.after(() => app.close())
  await app.register(errorsPlugin, { exposeInternalErrors: false, translators: [] })
  await app.register(httpPlugin, { steps: { onRequest: [shedding.step], onResponse: [] } })
  app.get('/work', async () => ({ ok: true }))
  app.get('/health/live', async () => ({ status: 'ok' }))
  const sample = (value: OverloadSample) => {
    nowMs += 250
    feed?.onBeat(nowMs)
    feed?.onSample(value, nowMs)
  }
  // Two samples over the threshold in a row enter overload (SAMPLES_TO_ENTER).
  // The first sample spans the start-up: discarded.
  sample(CALM)
  /** The clock moves on without a heartbeat: the event loop is stuck in one turn. */
  const stall = (ms: number) => (nowMs += ms)
  const beat = () => feed?.onBeat(nowMs)
  return { app, shedding, lines, metrics, sample, stall, beat, isClosed: () => closed }
}

async function valueOf(metrics: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = await metrics.getSingleMetric(name)?.get()
  const match = metric?.values.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  )
  return match?.value
}

describe('load shedding', () => {
  it('admits every request while the worker is not overloaded', async (t) => {
    const { app, sample } = await sheddingApp(t)
    sample(CALM)

    const response = await app.inject({ url: '/work' })

    assert.equal(response.statusCode, 200)
  })

  it('answers a shed request 503 OVERLOADED in the standard error body, with Retry-After', async (t) => {
    const { app, sample } = await sheddingApp(t)
    sample(BUSY)
    sample(BUSY)

    const response = await app.inject({ url: '/work' })

    assertProblem(response, 503, 'OVERLOADED')
    assert.equal(response.headers['retry-after'], '7')
    assert.equal(response.headers['cache-control'], 'no-store')
  })

  it('admits the share of requests the state allows while overloaded', async (t) => {
    const { app, sample } = await sheddingApp(t, [0.1, 0.7])
    sample(BUSY)
    sample(BUSY)

    const admitted = await app.inject({ url: '/work' })
    const shed = await app.inject({ url: '/work' })

    assert.equal(admitted.statusCode, 200)
    assert.equal(shed.statusCode, 503)
  })

  it('never sheds an exempt route (the probes)', async (t) => {
    const { app, sample } = await sheddingApp(t)
    sample(BUSY)
    sample(BUSY)

    const response = await app.inject({ url: '/health/live' })

    assert.equal(response.statusCode, 200)
  })

  it('sheds requests to no route too (a 404 would cost more than the 503)', async (t) => {
    const { app, sample } = await sheddingApp(t)
    sample(BUSY)
    sample(BUSY)

    const response = await app.inject({ url: '/nowhere' })

    assertProblem(response, 503, 'OVERLOADED')
  })

  it('ignores the samples taken while the process starts, and the first one after', async (t) => {
    let starting = true
    const { app, sample, lines } = await sheddingApp(t, [], () => starting)
    sample(BUSY)
    starting = false
    sample(BUSY)
    sample(BUSY)

    const response = await app.inject({ url: '/work' })

    assert.equal(response.statusCode, 200)
    assert.deepEqual(lines, [])
  })

  it('sheds every request read in a loop turn that has run past the delay threshold, before any sample says so', async (t) => {
    const { app, stall, metrics } = await sheddingApp(t, [0])

    stall(111)
    const response = await app.inject({ url: '/work' })

    assertProblem(response, 503, 'OVERLOADED')
    assert.equal(await valueOf(metrics, SHED_REQUESTS_METRIC, { reason: 'event_loop_delay' }), 1)
  })

  it('stays overloaded while the stall check is shedding, whatever the samples measure', async (t) => {
    const { app, sample, stall, beat, shedding } = await sheddingApp(t, [0])
    sample(BUSY)
    sample(BUSY)

    for (let index = 0; index < 10; index++) {
      stall(200)
      await app.inject({ url: '/work' })
      beat()
      sample(CALM)
    }

    assert.equal(shedding.state.overloaded, true)
  })

  it('admits requests again once the loop has run its timers', async (t) => {
    const { app, stall, beat } = await sheddingApp(t)
    stall(500)

    beat()
    const response = await app.inject({ url: '/work' })

    assert.equal(response.statusCode, 200)
  })

  it('does not count a turn as stalled within the delay threshold and the heartbeat period', async (t) => {
    const { app, stall } = await sheddingApp(t)

    stall(110)
    const response = await app.inject({ url: '/work' })

    assert.equal(response.statusCode, 200)
  })

  it('writes one warn line on entering overload and one info line on leaving it, with the measured values', async (t) => {
    const { app, sample, lines } = await sheddingApp(t)
    sample(BUSY)
    sample(BUSY)
    await app.inject({ url: '/work' })
    await app.inject({ url: '/work' })

    for (let index = 0; index < 8; index++) sample(CALM)

    assert.deepEqual(
      lines.map(({ level, message }) => [level, message]),
      [
        ['warn', 'overloaded: shedding requests with 503 OVERLOADED'],
        ['info', 'overload over: admitting every request'],
      ],
    )
    assert.deepEqual(lines[0]?.details, {
      reason: 'event_loop_delay',
      value: 500,
      limit: 100,
      event_loop_delay_ms: 500,
      event_loop_utilization_percent: 10,
      heap_used_mb: 50,
      rss_mb: 120,
    })
    assert.equal(lines[1]?.details.shed_requests, 2)
    assert.equal(lines[1]?.details.event_loop_delay_ms, 1)
    assert.equal(typeof lines[1]?.details.overloaded_ms, 'number')
  })

  it('counts shed requests by reason and shows the state and the admitted share as gauges', async (t) => {
    const { app, sample, metrics } = await sheddingApp(t)
    sample(BUSY)
    sample(BUSY)

    await app.inject({ url: '/work' })
    await app.inject({ url: '/work' })

    assert.equal(await valueOf(metrics, SHED_REQUESTS_METRIC, { reason: 'event_loop_delay' }), 2)
    assert.equal(await valueOf(metrics, SHED_REQUESTS_METRIC, { reason: 'heap_used' }), 0)
    assert.equal(await valueOf(metrics, OVERLOAD_ACTIVE_METRIC), 1)
    assert.equal(await valueOf(metrics, OVERLOAD_ADMIT_RATIO_METRIC), 0.5)
  })

  it('reports no overload in its gauges before any threshold is crossed', async (t) => {
    const { metrics } = await sheddingApp(t)

    assert.equal(await valueOf(metrics, OVERLOAD_ACTIVE_METRIC), 0)
    assert.equal(await valueOf(metrics, OVERLOAD_ADMIT_RATIO_METRIC), 1)
  })

  it('stops its sampler on close', async (t) => {
    const { shedding, isClosed } = await sheddingApp(t)

    shedding.close()

    assert.equal(isClosed(), true)
  })
})
