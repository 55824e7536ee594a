// HTTP metrics as an onResponse step: requests, their duration and response size by route pattern, method
// and status, and error answers by error code.
// Every label comes from a bounded set (registered route patterns or `__unmatched__`, an allow-list of
// methods or `OTHER`, status codes 100–599), so no client can grow the series count, whatever URLs it sends.
import { Counter, Histogram, type Registry } from 'prom-client'
import type { ResponseStep } from '../http/steps.ts'
import { responseBytesOf } from '../logging/access-log.ts'

/** The route label of a request no route matched (404, 405): never the raw URL. */
export const UNMATCHED_ROUTE = '__unmatched__'

/** The method label of a request whose method is not in {@link METRIC_METHODS}. */
export const OTHER_METHOD = 'OTHER'

/** The methods that keep their own label value; any other becomes {@link OTHER_METHOD}. */
export const METRIC_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/**
 * Upper bounds of `http_request_duration_seconds`, in seconds: 5 ms to 10 s, dense where an API's answers
 * fall (tens of milliseconds) and up to the longest deadline a route may have.
 */
export const HTTP_DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

/** Upper bounds of `http_response_size_bytes`: 100 B to 10 MB, by factors of about 3. */
export const HTTP_RESPONSE_SIZE_BUCKETS = [
  100, 300, 1000, 3000, 10_000, 30_000, 100_000, 300_000, 1e6, 1e7,
] as const

type Label = 'method' | 'route' | 'status_code'

/** The prom-client children of one (route, method, status) series, made once and reused. */
interface Series {
  requests: Counter.Internal
  duration: Histogram.Internal<Label>
  size: Histogram.Internal<'method' | 'route'>
}

const METHOD_INDEX = new Map<string, number>(METRIC_METHODS.map((method, index) => [method, index]))
const METHOD_LABELS: readonly string[] = [...METRIC_METHODS, OTHER_METHOD]
const OTHER_INDEX = METRIC_METHODS.length
// A key per (method, status) inside one route's map: status codes are below 1000.
const STATUS_SPAN = 1000

/**
 * Registers `http_requests_total` and `http_request_duration_seconds` in `registry` and returns the step
 * that records each response. The step reads the route pattern from the route config the http plugin
 * passes it and the duration from `reply.elapsedTime`. Label objects and prom-client children are made
 * the first time a (route, method, status) is seen, so a request costs two map lookups, not an allocation.
 */
export function createHttpMetricsStep(registry: Registry): ResponseStep {
  const labelNames: Label[] = ['method', 'route', 'status_code']
  const requests = new Counter<Label>({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code.',
    labelNames,
    registers: [registry],
  })
  const duration = new Histogram<Label>({
    name: 'http_request_duration_seconds',
    help: 'Time from the arrival of a request to its response, in seconds, by route pattern, method and status code.',
    labelNames,
    buckets: [...HTTP_DURATION_BUCKETS_S],
    registers: [registry],
  })
  const size = new Histogram<'method' | 'route'>({
    name: 'http_response_size_bytes',
    help: 'Bytes sent for each response (headers and body, as written to the socket), by route pattern and method.',
    labelNames: ['method', 'route'],
    buckets: [...HTTP_RESPONSE_SIZE_BUCKETS],
    registers: [registry],
  })
  const errors = new Counter<'error_code' | 'status_code'>({
    name: 'http_errors_total',
    help: 'Error answers (the standard error body) by error_code and status code: authentication failures by reason, validation, limits, dependencies.',
    labelNames: ['error_code', 'status_code'],
    registers: [registry],
  })
  // Bounded by construction: registered routes plus one, times 8 methods, times the status codes sent.
  const byRoute = new Map<string, Map<number, Series>>()
  // Bounded by the error catalogs: codes are the service's own, never a client's.
  const byError = new Map<string, Counter.Internal>()

  function createSeries(route: string, methodIndex: number, status: number): Series {
    const method = METHOD_LABELS[methodIndex]
    const labels = { method, route, status_code: String(status) }
    return {
      requests: requests.labels(labels),
      duration: duration.labels(labels),
      size: size.labels({ method, route }),
    }
  }

  function countError(code: string, status: number) {
    const key = `${code} ${String(status)}`
    let counter = byError.get(key)
    if (counter === undefined) {
      counter = errors.labels({ error_code: code, status_code: String(status) })
      byError.set(key, counter)
    }
    counter.inc()
  }

  return function recordHttpMetrics(request, reply, config) {
    const route = config.url ?? UNMATCHED_ROUTE
    const methodIndex = METHOD_INDEX.get(request.method) ?? OTHER_INDEX
    const status = reply.statusCode
    let routeSeries = byRoute.get(route)
    if (routeSeries === undefined) {
      routeSeries = new Map()
      byRoute.set(route, routeSeries)
    }
    const key = methodIndex * STATUS_SPAN + status
    let series = routeSeries.get(key)
    if (series === undefined) {
      series = createSeries(route, methodIndex, status)
      routeSeries.set(key, series)
    }
    series.requests.inc()
    series.duration.observe(reply.elapsedTime / 1000)
    series.size.observe(responseBytesOf(request))
    if (request.problem !== null) countError(request.problem.error_code, status)
  }
}
