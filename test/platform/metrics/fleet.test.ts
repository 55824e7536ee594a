import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import {
  createFleetMetrics,
  escapeLabelValue,
  MISSED_SCRAPE_METRIC,
  type MetricSnapshot,
} from '../../../src/platform/metrics/fleet.ts'
import { createMetricsRegistry } from '../../../src/platform/metrics/registry.ts'

/** One simulated process: a real prom-client registry with the metrics a worker records. */
function createWorker(options: { processMetrics?: boolean } = {}) {
  const registry = createMetricsRegistry({ processMetrics: options.processMetrics ?? false })
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered.',
    labelNames: ['route'],
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request duration.',
    labelNames: ['route'],
    buckets: [0.1, 1],
    registers: [registry],
  })
  const connections = new Gauge({
    name: 'open_connections',
    help: 'Open connections.',
    registers: [registry],
  })
  const cpu = new Counter({
    name: 'process_tasks_total',
    help: 'Tasks this process ran.',
    registers: [registry],
  })
  return { registry, requests, duration, connections, cpu, snapshot: () => registry.getMetricsAsJSON() }
}

/** The sample lines of a text exposition, by series (`name{labels}`), each checked to be well formed. */
function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>()
  const seenTypes = new Set<string>()
  assert.ok(text.endsWith('\n'))
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line)
    if (comment !== null) {
      if (comment[1] === 'TYPE') {
        assert.ok(!seenTypes.has(comment[2] ?? ''), `TYPE twice for ${comment[2]}`)
        seenTypes.add(comment[2] ?? '')
      }
      continue
    }
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})?) (\S+)$/.exec(
        line,
      )
    assert.ok(sample !== null, `not a sample line: ${line}`)
    assert.ok(!samples.has(sample[1] ?? ''), `series twice: ${line}`)
    samples.set(sample[1] ?? '', Number(sample[2]))
  }
  return samples
}

const EMPTY: MetricSnapshot = []

/** What promtool's lint says about prom-client's default metrics, whatever we do. */
const PROM_CLIENT_LINT =
  /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/

describe('fleet metrics (issue 11)', () => {
  it('sums counters and histograms over the live workers', async () => {
    const fleet = createFleetMetrics()
    const one = createWorker()
    const two = createWorker()
    one.requests.inc({ route: '/a' }, 3)
    two.requests.inc({ route: '/a' }, 4)
    two.requests.inc({ route: '/b' })
    one.duration.observe({ route: '/a' }, 0.05)
    two.duration.observe({ route: '/a' }, 0.5)
    two.duration.observe({ route: '/a' }, 2)

    fleet.update('1', await one.snapshot())
    fleet.update('2', await two.snapshot())
    const samples = parseSamples(fleet.render({ primary: EMPTY, missedScrape: 0 }))

    assert.equal(samples.get('http_requests_total{route="/a"}'), 7)
    assert.equal(samples.get('http_requests_total{route="/b"}'), 1)
    assert.equal(samples.get('http_request_duration_seconds_bucket{le="0.1",route="/a"}'), 1)
    assert.equal(samples.get('http_request_duration_seconds_bucket{le="1",route="/a"}'), 2)
    assert.equal(samples.get('http_request_duration_seconds_bucket{le="+Inf",route="/a"}'), 3)
    assert.equal(samples.get('http_request_duration_seconds_sum{route="/a"}'), 2.55)
    assert.equal(samples.get('http_request_duration_seconds_count{route="/a"}'), 3)
  })

  it('never lets a counter or histogram go down when a worker is replaced', async () => {
    const fleet = createFleetMetrics()
    const old = createWorker()
    old.requests.inc({ route: '/a' }, 10)
    old.duration.observe({ route: '/a' }, 0.5)
    fleet.update('1', await old.snapshot())
    const before = parseSamples(fleet.render({ primary: EMPTY, missedScrape: 0 }))

    fleet.retire('1')
    const replacement = createWorker()
    fleet.update('2', await replacement.snapshot())
    const atReplacement = parseSamples(fleet.render({ primary: EMPTY, missedScrape: 0 }))
    replacement.requests.inc({ route: '/a' }, 2)
    replacement.duration.observe({ route: '/a' }, 3)
    fleet.update('2', await replacement.snapshot())
    const after = parseSamples(fleet.render({ primary: EMPTY, missedScrape: 0 }))

    assert.equal(before.get('http_requests_total{route="/a"}'), 10)
    assert.equal(atReplacement.get('http_requests_total{route="/a"}'), 10)
    assert.equal(after.get('http_requests_total{route="/a"}'), 12)
    assert.equal(after.get('http_request_duration_seconds_count{route="/a"}'), 2)
    assert.equal(after.get('http_request_duration_seconds_sum{route="/a"}'), 3.5)
    assert.equal(after.get('http_request_duration_seconds_bucket{le="1",route="/a"}'), 1)
    for (const [series, value] of before) {
      if (series.startsWith('http_')) assert.ok((after.get(series) ?? -1) >= value, series)
    }
  })

  it('emits per-process metrics once per process with a worker label, never summed', async () => {
    const fleet = createFleetMetrics()
    const one = createWorker()
    const two = createWorker()
    const primary = createWorker()
    one.cpu.inc(1.5)
    two.cpu.inc(2.5)
    primary.cpu.inc(0.25)

    fleet.update('1', await one.snapshot())
    fleet.update('2', await two.snapshot())
    const samples = parseSamples(fleet.render({ primary: await primary.snapshot(), missedScrape: 0 }))
    fleet.retire('2')
    const afterRetire = parseSamples(fleet.render({ primary: await primary.snapshot(), missedScrape: 0 }))

    assert.equal(samples.get('process_tasks_total{worker="1"}'), 1.5)
    assert.equal(samples.get('process_tasks_total{worker="2"}'), 2.5)
    assert.equal(samples.get('process_tasks_total{worker="primary"}'), 0.25)
    assert.equal(samples.has('process_tasks_total'), false)
    assert.equal(afterRetire.has('process_tasks_total{worker="2"}'), false)
  })

  it('labels every default process metric per worker, histograms included', async () => {
    const fleet = createFleetMetrics()
    const worker = createWorker({ processMetrics: true })

    fleet.update('7', await worker.snapshot())
    const samples = parseSamples(fleet.render({ primary: EMPTY, missedScrape: 0 }))

    const processSeries = [...samples.keys()].filter((series) => /^(process_|nodejs_)/.test(series))
    assert.ok(processSeries.length > 10)
    assert.ok(
      processSeries.every((series) => series.includes('worker="7"')),
      processSeries.join(' '),
    )
  })

  it('sums gauges over live workers by default, takes the max when the metric says so, drops them on retire', async () => {
    const fleet = createFleetMetrics()
    const one = createWorker()
    const two = createWorker()
    const peak = (registry: Registry, value: number) =>
      new Gauge({ name: 'heap_peak_bytes', help: 'Peak.', aggregator: 'max', registers: [registry] }).set(
        value,
      )
    one.connections.set(3)
    two.connections.set(5)
    peak(one.registry, 100)
    peak(two.registry, 300)

    fleet.update('1', await one.snapshot())
    fleet.update('2', await two.snapshot())
    const samples = parseSamples(fleet.render({ primary: EMPTY, missedScrape: 0 }))
    fleet.retire('2')
    const afterRetire = parseSamples(fleet.render({ primary: EMPTY, missedScrape: 0 }))

    assert.equal(samples.get('open_connections'), 8)
    assert.equal(samples.get('heap_peak_bytes'), 300)
    assert.equal(afterRetire.get('open_connections'), 3)
    assert.equal(afterRetire.get('heap_peak_bytes'), 100)
  })

  it("emits the primary's supervisor metrics as they are, and the missed-scrape gauge", async () => {
    const fleet = createFleetMetrics()
    const primary = new Registry()
    new Counter({ name: 'bulwark_worker_restarts_total', help: 'Restarts.', registers: [primary] }).inc(2)

    const text = fleet.render({ primary: await primary.getMetricsAsJSON(), missedScrape: 1 })
    const samples = parseSamples(text)

    assert.equal(samples.get('bulwark_worker_restarts_total'), 2)
    assert.equal(samples.get(MISSED_SCRAPE_METRIC), 1)
    assert.match(text, new RegExp(`# TYPE ${MISSED_SCRAPE_METRIC} gauge\\n`))
  })

  it('escapes label values and help text', async () => {
    const fleet = createFleetMetrics()
    const worker = createWorker()
    new Counter({
      name: 'odd_total',
      help: 'Back\\slash and\nnew line.',
      labelNames: ['value'],
      registers: [worker.registry],
    }).inc({ value: 'a"b\\c\nd' })

    fleet.update('w"1', await worker.snapshot())
    const text = fleet.render({ primary: EMPTY, missedScrape: 0 })

    assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd')
    assert.match(text, /^# HELP odd_total Back\\\\slash and\\nnew line\.$/m)
    assert.equal(parseSamples(text).get('odd_total{value="a\\"b\\\\c\\nd"}'), 1)
    assert.match(text, /worker="w\\"1"/)
  })

  it('leaves out a sample whose value did not survive JSON (null)', async () => {
    const fleet = createFleetMetrics()
    const worker = createWorker()
    worker.connections.set(Number.NaN)
    worker.requests.inc({ route: '/a' })

    fleet.update('1', JSON.parse(JSON.stringify(await worker.snapshot())) as MetricSnapshot)
    const samples = parseSamples(fleet.render({ primary: EMPTY, missedScrape: 0 }))

    assert.equal(samples.has('open_connections'), false)
    assert.equal(samples.get('http_requests_total{route="/a"}'), 1)
  })

  it('renders text that promtool accepts', async () => {
    const fleet = createFleetMetrics()
    const one = createWorker({ processMetrics: true })
    const two = createWorker({ processMetrics: true })
    one.requests.inc({ route: '/api/v1/plans/:id' }, 5)
    two.duration.observe({ route: '/api/v1/plans/:id' }, 0.2)
    fleet.update('1', await one.snapshot())
    fleet.update('2', await two.snapshot())
    fleet.retire('1')
    const text = fleet.render({ primary: await createWorker().snapshot(), missedScrape: 0 })

    // Debian's prometheus package; .ci/run installs it where it is missing.
    const check = spawnSync('promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
      timeout: 10_000,
    })

    assert.equal(check.error, undefined)
    // 0: clean; 1: the text does not parse; 3: lint problems only, which must all be prom-client's own
    // default gauges named *_total (not ours to rename).
    const problems = `${check.stdout}${check.stderr}`.split('\n').filter((line) => line !== '')
    assert.ok(check.status === 0 || check.status === 3, problems.join('\n'))
    assert.ok(
      problems.every((line) => PROM_CLIENT_LINT.test(line)),
      problems.join('\n'),
    )
  })
})
