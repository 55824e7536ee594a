// The shutdown timings: drain, in-flight deadline, and the orchestrator's grace period they must fit in.
import { defineGroup } from '../group.ts'
import { perEnv } from '../variable.ts'

export interface LifecycleConfig {
  gracePeriodS: number
  drainDelayMs: number
  shutdownTimeoutMs: number
}

/** Time kept back from the grace period for closing resources and flushing logs after the drain. */
export const SHUTDOWN_CLOSE_MARGIN_MS = 2000

export const lifecycleGroup = defineGroup({
  section: 'lifecycle',
  prefixes: ['SHUTDOWN_'],
  variables: {
    SHUTDOWN_GRACE_PERIOD_S: {
      type: 'integer',
      min: 1,
      max: 3600,
      default: '30',
      doc: 'Time the orchestrator gives the process between SIGTERM and SIGKILL (Kubernetes terminationGracePeriodSeconds); the timings below must fit in it.',
    },
    SHUTDOWN_DRAIN_DELAY_MS: {
      type: 'integer',
      min: 0,
      max: 600_000,
      default: perEnv('0', '5000', '0'),
      doc: 'After SIGTERM, readiness answers 503 for this long while requests are still served, so load balancers stop routing before the listener closes (no balancer on a laptop, so 0 in development).',
    },
    SHUTDOWN_TIMEOUT_MS: {
      type: 'integer',
      min: 100,
      max: 600_000,
      default: '20000',
      doc: 'Once the listener is closed, in-flight requests have this long to finish before their connections are cut.',
    },
  },
  build: (values): LifecycleConfig => ({
    gracePeriodS: values.SHUTDOWN_GRACE_PERIOD_S,
    drainDelayMs: values.SHUTDOWN_DRAIN_DELAY_MS,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
  }),
  productionChecks({ lifecycle }) {
    const shutdownMs = lifecycle.drainDelayMs + lifecycle.shutdownTimeoutMs + SHUTDOWN_CLOSE_MARGIN_MS
    if (shutdownMs <= lifecycle.gracePeriodS * 1000) return []
    return [
      `SHUTDOWN_DRAIN_DELAY_MS + SHUTDOWN_TIMEOUT_MS + ${SHUTDOWN_CLOSE_MARGIN_MS} ms for closing = ${shutdownMs} ms, ` +
        `more than SHUTDOWN_GRACE_PERIOD_S (${lifecycle.gracePeriodS} s): the process would be killed mid-drain`,
    ]
  },
})
