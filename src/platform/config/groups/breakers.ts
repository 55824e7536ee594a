// Circuit breakers (platform/resilience): when a dependency's failures open one, and when it tries again.
import { defineGroup } from '../group.ts'

export interface BreakerConfig {
  /** Share of failed calls in the window, in percent, above which the breaker opens. */
  errorThresholdPercent: number
  /** Calls in the window before the breaker may open at all, however many failed. */
  volumeThreshold: number
  /** How long an open breaker refuses calls before it lets one trial call through (half-open); ms. */
  resetTimeoutMs: number
  /** The rolling window the failures are counted in (10 buckets); ms. */
  windowMs: number
}

export const breakersGroup = defineGroup({
  section: 'breakers',
  prefixes: ['BREAKER_'],
  variables: {
    BREAKER_ERROR_THRESHOLD_PERCENT: {
      type: 'integer',
      min: 1,
      max: 100,
      default: '50',
      doc: 'A breaker (PostgreSQL, Redis) opens when more than this percentage of its calls in the window failed because the dependency is unhealthy (refused, reset, timed out); a client error never counts.',
    },
    BREAKER_VOLUME_THRESHOLD: {
      type: 'integer',
      min: 1,
      max: 100_000,
      default: '20',
      doc: 'Calls a breaker must see in its window before it may open: a few failures at low traffic never open it.',
    },
    BREAKER_RESET_TIMEOUT_MS: {
      type: 'integer',
      min: 100,
      max: 600_000,
      default: '10000',
      doc: 'How long an open breaker answers at once (503 with Retry-After, or the local fallback) before it lets one trial call through; success closes it, failure opens it again.',
    },
    BREAKER_WINDOW_MS: {
      type: 'integer',
      min: 1000,
      max: 600_000,
      default: '10000',
      doc: 'The rolling window in which a breaker counts calls and failures.',
    },
  },
  build: (values): BreakerConfig => ({
    errorThresholdPercent: values.BREAKER_ERROR_THRESHOLD_PERCENT,
    volumeThreshold: values.BREAKER_VOLUME_THRESHOLD,
    resetTimeoutMs: values.BREAKER_RESET_TIMEOUT_MS,
    windowMs: values.BREAKER_WINDOW_MS,
  }),
})
