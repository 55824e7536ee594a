// Load shedding: the thresholds above which a worker answers 503 OVERLOADED at once instead of queueing
// (platform/resilience/overload.ts), and how often they are sampled.
import { defineGroup } from '../group.ts'
import { perEnv } from '../variable.ts'

export interface OverloadConfig {
  /** Event-loop delay (the longest in a sample, or the current loop turn) above which the worker sheds; ms, 0 off. */
  maxEventLoopDelayMs: number
  /** Event-loop utilisation over one sample above which the worker sheds; percent, 0 off. */
  maxEventLoopUtilizationPercent: number
  /** V8 heap in use above which the worker sheds; MiB, 0 off. */
  maxHeapUsedMb: number
  /** Resident memory above which the worker sheds; MiB, 0 off. */
  maxRssMb: number
  /** Retry-After of an OVERLOADED answer; seconds. */
  retryAfterS: number
  /** How often the thresholds are sampled; ms. */
  sampleIntervalMs: number
}

export const overloadGroup = defineGroup({
  section: 'overload',
  prefixes: ['OVERLOAD_'],
  variables: {
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: {
      type: 'integer',
      min: 0,
      max: 60_000,
      default: perEnv('100', '100', '0'),
      doc: 'A worker whose event loop was delayed longer than this (the longest delay in one sample, or the loop turn a request is read in) sheds requests (503 OVERLOADED with Retry-After) until it falls back under; 0 turns the check off (the default under NODE_ENV=test, whose in-process tests share one busy loop). The delay is the time requests wait before any of their code runs, so this bounds the latency overload adds.',
    },
    OVERLOAD_MAX_EVENT_LOOP_UTILIZATION_PERCENT: {
      type: 'integer',
      min: 0,
      max: 100,
      default: '0',
      doc: 'A worker whose event loop was busy more than this share of one sample (percent) sheds requests; 0 turns the check off (the default: a loop near 100 % busy may still keep up, which the delay check tells apart).',
    },
    OVERLOAD_MAX_HEAP_USED_MB: {
      type: 'integer',
      min: 0,
      max: 1_048_576,
      default: perEnv('384', '384', '0'),
      doc: 'A worker whose V8 heap in use exceeds this many MiB sheds requests until it falls back under (collections free it while fewer requests are admitted); 0 turns the check off (the default under NODE_ENV=test, where one test process holds many apps). Below WORKER_MAX_RSS_MB, which recycles the worker.',
    },
    OVERLOAD_MAX_RSS_MB: {
      type: 'integer',
      min: 0,
      max: 1_048_576,
      default: '0',
      doc: 'A worker whose resident memory exceeds this many MiB sheds requests; 0 turns the check off (the default: resident memory rarely falls after a peak, so a worker past it could shed for good; WORKER_MAX_RSS_MB recycles such a worker instead). When set with several workers, keep it below WORKER_MAX_RSS_MB.',
    },
    OVERLOAD_RETRY_AFTER_S: {
      type: 'integer',
      min: 1,
      max: 3600,
      default: '2',
      doc: 'Retry-After (seconds) of a 503 OVERLOADED answer.',
    },
    OVERLOAD_SAMPLE_INTERVAL_MS: {
      type: 'integer',
      min: 20,
      max: 10_000,
      default: '250',
      doc: 'How often a worker samples its event loop and memory against the OVERLOAD_* thresholds; a shorter interval reacts sooner to a surge.',
    },
  },
  build: (values): OverloadConfig => ({
    maxEventLoopDelayMs: values.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
    maxEventLoopUtilizationPercent: values.OVERLOAD_MAX_EVENT_LOOP_UTILIZATION_PERCENT,
    maxHeapUsedMb: values.OVERLOAD_MAX_HEAP_USED_MB,
    maxRssMb: values.OVERLOAD_MAX_RSS_MB,
    retryAfterS: values.OVERLOAD_RETRY_AFTER_S,
    sampleIntervalMs: values.OVERLOAD_SAMPLE_INTERVAL_MS,
  }),
  checks({ overload, workers }) {
    const problems: string[] = []
    if (
      overload.maxRssMb > 0 &&
      workers.count > 1 &&
      workers.maxRssMb > 0 &&
      overload.maxRssMb >= workers.maxRssMb
    ) {
      problems.push(
        'OVERLOAD_MAX_RSS_MB: at or above WORKER_MAX_RSS_MB, so it is never reached: the supervisor recycles the worker first',
      )
    }
    return problems
  },
})
