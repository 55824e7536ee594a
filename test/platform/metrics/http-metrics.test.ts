import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Registry } from 'prom-client'
import { buildTestApp } from '../../helpers/build-app.ts'
import { createMetricsRegistry } from '../../../src/platform/metrics/registry.ts'
import { HTTP_DURATION_BUCKETS_S, UNMATCHED_ROUTE } from '../../../src/platform/metrics/http-metrics.ts'

const ITEM_ROUTE = '/metrics-test/items/:id'

interface RequestSeries {
  labels: Record<string, string | number | undefined>
  value: number
}

async function requestSeries(registry: Registry): Promise<RequestSeries[]> {
  const metric = (await registry.getMetricsAsJSON()).find(({ name }) => name === 'http_requests_total')
  return metric === undefined ? [] : metric.values
}

async function durationCount(
  registry: Registry,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find(
    ({ name }) => name === 'http_request_duration_seconds',
  )
  const count = metric?.values.find(
    (value) =>
      'metricName' in value &&
      value.metricName === 'http_request_duration_seconds_count' &&
      Object.entries(labels).every(([name, expected]) => value.labels[name] === expected),
  )
  return count?.value
}

/** A test app with one public parameterised route. */
function buildItemsApp(t: Parameters<typeof buildTestApp>[0]) {
  return buildTestApp(t, {}, (app) => {
    app.get<{ Params: { id: string } }>(ITEM_ROUTE, { config: { public: true } }, async (request) => ({
      id: request.params.id,
    }))
  })
}

describe('HTTP metrics (issue 11)', () => {
  it('labels requests to a parameterised route with the pattern, in one series', async (t) => {
    const { app } = await buildItemsApp(t)

    for (const id of ['a', 'b', 'c']) await app.inject({ url: `/metrics-test/items/${id}` })

    const items = (await requestSeries(app.metrics)).filter(({ labels }) => labels.route === ITEM_ROUTE)
    assert.deepEqual(items, [{ labels: { method: 'GET', route: ITEM_ROUTE, status_code: '200' }, value: 3 }])
    const labels = { method: 'GET', route: ITEM_ROUTE, status_code: '200' }
    assert.equal(await durationCount(app.metrics, labels), 3)
  })

  it('records the duration in seconds in API-sized buckets', async (t) => {
    const { app } = await buildItemsApp(t)

    await app.inject({ url: '/metrics-test/items/a' })

    const text = await app.metrics.getSingleMetricAsString('http_request_duration_seconds')
    for (const bound of HTTP_DURATION_BUCKETS_S) assert.match(text, new RegExp(`le="${bound}"`))
    const sum =
      /http_request_duration_seconds_sum\{[^}]*route="\/metrics-test\/items\/:id"[^}]*\} (\S+)/.exec(text)
    assert.ok(sum !== null)
    assert.ok(Number(sum[1]) > 0 && Number(sum[1]) < 10)
  })

  it('gives a 404 from the not-found handler the __unmatched__ route, never the URL', async (t) => {
    const { app } = await buildItemsApp(t)

    const response = await app.inject({ url: '/no/such/page?x=1' })

    assert.equal(response.statusCode, 404)
    const routes = (await requestSeries(app.metrics)).map(({ labels }) => labels.route)
    assert.deepEqual(routes, [UNMATCHED_ROUTE])
  })

  it('keeps the series count constant over 10 000 distinct unknown URLs', async (t) => {
    const { app, anonymous } = await buildItemsApp(t)
    for (let index = 0; index < 10; index++) await anonymous({ url: `/unknown/${index}` })
    const before = (await requestSeries(app.metrics)).length

    for (let index = 10; index < 10_000; index++) await anonymous({ url: `/unknown/${index}/x${index}` })

    const series = await requestSeries(app.metrics)
    assert.equal(series.length, before)
    assert.equal(
      series.reduce((total, { value }) => total + value, 0),
      10_000,
    )
    assert.ok(series.every(({ labels }) => labels.route === UNMATCHED_ROUTE))
  })

  it('labels methods outside the allow-list OTHER', async (t) => {
    const { app } = await buildItemsApp(t)

    for (const method of ['PROPFIND', 'MKCOL', 'PURGE'] as const) {
      await app.inject({ method, url: '/metrics-test/items/a' })
    }
    await app.inject({ method: 'DELETE', url: '/metrics-test/items/a' })

    const methods = new Set((await requestSeries(app.metrics)).map(({ labels }) => labels.method))
    assert.deepEqual([...methods].sort(), ['DELETE', 'OTHER'])
  })

  it('counts error answers by error_code (authentication failures by reason, unknown routes) and response sizes by route', async (t) => {
    const { app } = await buildItemsApp(t)

    await app.inject({ url: '/no/such/route' })
    await app.inject({ url: '/no/such/route' })
    await app.inject({
      url: '/api/v1/plans',
      headers: { authorization: `Bearer bk_${'0'.repeat(16)}_${'A'.repeat(43)}` },
    })
    await app.inject({ url: '/metrics-test/items/a' })

    const errors = (await app.metrics.getMetricsAsJSON()).find(({ name }) => name === 'http_errors_total')
    const counted = Object.fromEntries(
      (errors?.values ?? []).map(({ labels, value }) => [
        `${String(labels.error_code)} ${String(labels.status_code)}`,
        value,
      ]),
    )
    assert.deepEqual(counted, { 'CREDENTIALS_INVALID 401': 1, 'NOT_FOUND 404': 2 })
    const sizes = (await app.metrics.getMetricsAsJSON()).find(
      ({ name }) => name === 'http_response_size_bytes',
    )
    const itemCount = sizes?.values.find(
      (value) =>
        'metricName' in value &&
        value.metricName === 'http_response_size_bytes_count' &&
        value.labels.route === ITEM_ROUTE,
    )
    assert.equal(itemCount?.value, 1)
  })

  it('records into the registry the caller gives, next to its process metrics', async (t) => {
    const metrics = createMetricsRegistry({ processMetrics: false })
    const { app } = await buildTestApp(t, {}, undefined, undefined, metrics)

    await app.inject({ url: '/health/live' })

    assert.equal(app.metrics, metrics)
    const names = (await metrics.getMetricsAsJSON()).map(({ name }) => name)
    assert.deepEqual(names.sort(), [
      'audit_events_total',
      'cache_entries',
      'cache_evictions_total',
      'cache_lookups_total',
      'circuit_breaker_state',
      'circuit_breaker_transitions_total',
      'dependency_degraded',
      'http_errors_total',
      'http_request_duration_seconds',
      'http_requests_total',
      'http_response_size_bytes',
      'overload_active',
      'overload_admit_ratio',
      'overload_shed_requests_total',
      'rate_limit_decisions_total',
    ])
  })

  it('makes its own registry with process metrics when the caller gives none', async (t) => {
    const { app } = await buildTestApp(t)

    const names = (await app.metrics.getMetricsAsJSON()).map(({ name }) => name)

    assert.ok(names.includes('process_cpu_user_seconds_total'))
    assert.ok(names.includes('nodejs_eventloop_lag_seconds'))
  })
})
