// Load shedding: the request step that answers 503 OVERLOADED (with Retry-After) at once while this worker
// is overloaded, the log line at each crossing, and the metrics. The decision is overload.ts's.
import { Counter, Gauge, type Registry } from 'prom-client'
import type { OverloadConfig } from '../config/config.ts'
import { platformErrors } from '../errors/catalog.ts'
import { sendProblem } from '../errors/plugin.ts'
import type { RequestStep } from '../http/steps.ts'
import {
  createOverloadState,
  OVERLOAD_REASONS,
  type OverloadLimits,
  type OverloadSample,
  type OverloadState,
} from './overload.ts'
import { HEARTBEAT_MS, startOverloadSampler, type OverloadSamplerCallbacks } from './overload-sampler.ts'

export const SHED_REQUESTS_METRIC = 'overload_shed_requests_total'
export const OVERLOAD_ACTIVE_METRIC = 'overload_active'
export const OVERLOAD_ADMIT_RATIO_METRIC = 'overload_admit_ratio'

const MIB = 1024 * 1024

/** What load shedding writes: `warn` when the worker starts shedding, `info` when it stops. */
export interface OverloadLogger {
  warn(details: object, message: string): void
  info(details: object, message: string): void
}

export interface LoadSheddingOptions {
  log: OverloadLogger
  metrics: Registry
  /** Route URLs never shed (the probes: an orchestrator must not restart a worker for being busy). */
  exemptUrls: readonly string[]
  /** Feeds the state; default: the process sampler every OVERLOAD_SAMPLE_INTERVAL_MS. Tests pass their own. */
  startSampler?: (callbacks: OverloadSamplerCallbacks) => { close(): void }
  /** Uniform in [0, 1): which requests are admitted while only a share is; default Math.random. */
  random?: () => number
  /**
   * True while the process starts (loading code, migrating): its samples are discarded, or every worker
   * would begin its life overloaded by its own start-up. Default: never.
   */
  isStarting?: () => boolean
  /** The clock the heartbeat is compared with (ms); default performance.now. */
  now?: () => number
}

export interface LoadShedding {
  /** The onRequest step; app.ts lists it before authentication, parsing and rate limits. */
  step: RequestStep
  state: OverloadState
  /** Stops the sampler. */
  close(): void
}

export function limitsOf(config: OverloadConfig): OverloadLimits {
  return {
    maxEventLoopDelayMs: config.maxEventLoopDelayMs,
    maxEventLoopUtilization: config.maxEventLoopUtilizationPercent / 100,
    maxHeapUsedBytes: config.maxHeapUsedMb * MIB,
    maxRssBytes: config.maxRssMb * MIB,
  }
}

/** A sample as log fields, in the units the settings use. */
function fieldsOf(sample: OverloadSample) {
  return {
    event_loop_delay_ms: Math.round(sample.eventLoopDelayMs * 10) / 10,
    event_loop_utilization_percent: Math.round(sample.eventLoopUtilization * 1000) / 10,
    heap_used_mb: Math.round(sample.heapUsedBytes / MIB),
    rss_mb: Math.round(sample.rssBytes / MIB),
  }
}

export function createLoadShedding(config: OverloadConfig, options: LoadSheddingOptions): LoadShedding {
  const { log, metrics } = options
  const random = options.random ?? Math.random
  const now = options.now ?? (() => performance.now())
  const exempt = new Set(options.exemptUrls)
  const shed = new Counter({
    name: SHED_REQUESTS_METRIC,
    help: 'Requests answered 503 OVERLOADED, by the threshold the worker was over.',
    labelNames: ['reason'],
    registers: [metrics],
  })
  // Bound once per reason: a shed request then costs no label lookup.
  const shedBy = new Map(OVERLOAD_REASONS.map((reason) => [reason, shed.labels(reason)]))
  for (const counter of shedBy.values()) counter.inc(0)
  // Counted for the exit line: the overload's sheds, with those of the stalled turns that led into it.
  let shedSinceExit = 0

  const state = createOverloadState(limitsOf(config), {
    onEnter(exceeded, sample) {
      const { reason, value, limit } = exceeded
      log.warn(
        { reason, value, limit, ...fieldsOf(sample) },
        'overloaded: shedding requests with 503 OVERLOADED',
      )
    },
    onLeave(sample, overloadedMs) {
      const fields = {
        overloaded_ms: Math.round(overloadedMs),
        shed_requests: shedSinceExit,
        ...fieldsOf(sample),
      }
      shedSinceExit = 0
      log.info(fields, 'overload over: admitting every request')
    },
  })
  new Gauge({
    name: OVERLOAD_ACTIVE_METRIC,
    help: 'Whether this worker is shedding load: 1 or 0 (summed across workers: how many shed).',
    registers: [metrics],
    collect() {
      this.set(state.overloaded ? 1 : 0)
    },
  })
  new Gauge({
    name: OVERLOAD_ADMIT_RATIO_METRIC,
    help: 'Share of requests this worker admits, 0–1: 1 unless overloaded (averaged across workers).',
    registers: [metrics],
    aggregator: 'average',
    collect() {
      this.set(state.admitRatio)
    },
  })

  // One error for every shed request: an Error's stack costs more than the rest of the answer.
  const overloaded = platformErrors.OVERLOADED({
    detail: 'The server is overloaded; retry after Retry-After seconds',
    headers: { 'retry-after': String(config.retryAfterS) },
  })
  // A loop turn that has gone this long without running timers is stalled: the requests it reads now have
  // waited that long already. The samples only tell between turns, and one turn can last seconds under
  // overload, so requests read late in a stalled turn are shed whatever the admitted share.
  const stallMs = config.maxEventLoopDelayMs > 0 ? config.maxEventLoopDelayMs + HEARTBEAT_MS : Infinity
  let beatAtMs = now()
  // A turn cut short by shedding was still a turn past the threshold: the sample counts as over it, so
  // the worker does not leave overload while only the stall check is holding the load back.
  let stalledSinceSample = false
  // The first sample after start-up spans some of it.
  let isFirstSample = true
  const sampler = (
    options.startSampler ?? ((callbacks) => startOverloadSampler(config.sampleIntervalMs, callbacks))
  )({
    onSample: (sample, nowMs) => {
      const isStalled = stalledSinceSample
      stalledSinceSample = false
      if (options.isStarting?.() === true) {
        isFirstSample = true
        return
      }
      if (isFirstSample) {
        isFirstSample = false
        return
      }
      const eventLoopDelayMs = isStalled
        ? Math.max(sample.eventLoopDelayMs, stallMs)
        : sample.eventLoopDelayMs
      state.update({ ...sample, eventLoopDelayMs }, nowMs)
      // Stalled turns that did not lead into overload are not part of the next one.
      if (!state.overloaded && !isStalled) shedSinceExit = 0
    },
    onBeat: (nowMs) => (beatAtMs = nowMs),
  })
  const stalledCounter = shedBy.get('event_loop_delay')

  const step: RequestStep = function shedWhenOverloaded(request, reply, routeConfig) {
    // The happy path: one clock read (most of its ~80 ns) and two comparisons, no allocation.
    const isStalled = now() - beatAtMs > stallMs
    if (!state.overloaded && !isStalled) return false
    const { url } = routeConfig as { url?: string }
    if (url !== undefined && exempt.has(url)) return false
    if (!isStalled && !state.shouldShed(random())) return false
    shedSinceExit++
    if (isStalled) stalledSinceSample = true
    const counter = isStalled
      ? stalledCounter
      : state.reason === undefined
        ? undefined
        : shedBy.get(state.reason)
    counter?.inc()
    sendProblem(request, reply, overloaded)
    return true
  }

  return { step, state, close: () => sampler.close() }
}
