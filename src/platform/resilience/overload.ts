// The overload decision: whether a sample of the event loop and memory is over a threshold, and what
// share of requests a worker admits while it is. Pure (no timers, no randomness of its own), so the
// sampler (overload-sampler.ts) and the tests feed it samples.

/** What the sampler measured over one interval. */
export interface OverloadSample {
  /** Longest event-loop delay in the interval; ms. */
  eventLoopDelayMs: number
  /** Share of the interval the event loop was busy; 0–1. */
  eventLoopUtilization: number
  heapUsedBytes: number
  rssBytes: number
}

/** The thresholds; 0 turns a check off. */
export interface OverloadLimits {
  maxEventLoopDelayMs: number
  /** 0–1. */
  maxEventLoopUtilization: number
  maxHeapUsedBytes: number
  maxRssBytes: number
}

/** Which threshold a sample crossed: the `reason` label of the shed counter and the log lines. */
export type OverloadReason = 'event_loop_delay' | 'event_loop_utilization' | 'heap_used' | 'rss'

export const OVERLOAD_REASONS: readonly OverloadReason[] = [
  'event_loop_delay',
  'event_loop_utilization',
  'heap_used',
  'rss',
]

export interface Exceeded {
  reason: OverloadReason
  value: number
  limit: number
}

/**
 * The lowest share of requests admitted while overloaded. Never zero: an admitted trickle keeps allocating,
 * so V8 keeps collecting and a heap over its threshold comes back under it; with nothing admitted it could
 * hold its garbage, and the worker shed everything, indefinitely.
 */
export const MIN_ADMIT_RATIO = 1 / 32
/** Added to the admitted share after each sample under every threshold: from the floor to all in 8 samples. */
export const ADMIT_RATIO_STEP = 1 / 8
/**
 * Consecutive samples over a threshold before a worker enters overload: one long task (a large query on
 * the embedded database, a full collection) is not overload. The stall check (load-shedding.ts) bounds
 * the latency meanwhile.
 */
export const SAMPLES_TO_ENTER = 2

/** The first threshold the sample is over, in the order of OVERLOAD_REASONS; undefined when none. */
export function exceededLimit(sample: OverloadSample, limits: OverloadLimits): Exceeded | undefined {
  const checks: [OverloadReason, number, number][] = [
    ['event_loop_delay', sample.eventLoopDelayMs, limits.maxEventLoopDelayMs],
    ['event_loop_utilization', sample.eventLoopUtilization, limits.maxEventLoopUtilization],
    ['heap_used', sample.heapUsedBytes, limits.maxHeapUsedBytes],
    ['rss', sample.rssBytes, limits.maxRssBytes],
  ]
  for (const [reason, value, limit] of checks) {
    if (limit > 0 && value > limit) return { reason, value, limit }
  }
  return undefined
}

export interface OverloadTransitions {
  /** The first sample over a threshold: the worker starts shedding. */
  onEnter(exceeded: Exceeded, sample: OverloadSample): void
  /** The admitted share is back to all after samples under every threshold. */
  onLeave(sample: OverloadSample, overloadedMs: number): void
}

/**
 * The state the request step reads. A worker enters overload after SAMPLES_TO_ENTER samples in a row over a
 * threshold. Admission is then AIMD, like TCP's congestion window: each sample over a threshold halves the admitted share (down to MIN_ADMIT_RATIO), each sample under all of them adds
 * ADMIT_RATIO_STEP; the worker leaves overload when it admits everything again. A worker at three times its
 * capacity thus settles near a third admitted, instead of flapping between admitting all and shedding all
 * (and logging each flip).
 */
export interface OverloadState {
  /** Read on every request: false on the happy path, which then costs one property read. */
  readonly overloaded: boolean
  /** The share of requests admitted while overloaded; 1 otherwise. */
  readonly admitRatio: number
  /** Why it is overloaded: the threshold of the sample that made it so; undefined when it is not. */
  readonly reason: OverloadReason | undefined
  /** Takes one sample into account. */
  update(sample: OverloadSample, nowMs: number): void
  /** Whether to shed this request; `random` is uniform in [0, 1). Always false when not overloaded. */
  shouldShed(random: number): boolean
}

export function createOverloadState(limits: OverloadLimits, transitions: OverloadTransitions): OverloadState {
  let enteredAtMs = 0
  let overSamples = 0
  const state = {
    overloaded: false,
    admitRatio: 1,
    reason: undefined as OverloadReason | undefined,
    update(sample: OverloadSample, nowMs: number): void {
      const exceeded = exceededLimit(sample, limits)
      overSamples = exceeded === undefined ? 0 : overSamples + 1
      if (exceeded !== undefined && !state.overloaded && overSamples < SAMPLES_TO_ENTER) return
      if (exceeded !== undefined) {
        state.admitRatio = Math.max(MIN_ADMIT_RATIO, state.admitRatio / 2)
        state.reason = exceeded.reason
        if (state.overloaded) return
        state.overloaded = true
        enteredAtMs = nowMs
        transitions.onEnter(exceeded, sample)
        return
      }
      if (!state.overloaded) return
      state.admitRatio = Math.min(1, state.admitRatio + ADMIT_RATIO_STEP)
      if (state.admitRatio < 1) return
      state.overloaded = false
      state.reason = undefined
      transitions.onLeave(sample, nowMs - enteredAtMs)
    },
    shouldShed(random: number): boolean {
      return state.overloaded && random >= state.admitRatio
    },
  }
  return state
}
