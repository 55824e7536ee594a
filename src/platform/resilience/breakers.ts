// Circuit breakers (opossum) by name: a small fixed set created at start, each counting only the failures
// its caller says mean "the dependency is unhealthy". One log line per transition, the state and the
// transitions in metrics, the state in the detailed health, and `breaker:<name>` marked degraded while the
// breaker is not closed. Each process (worker) has its own breakers: they open on what that process sees.
import CircuitBreaker from 'opossum'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { BreakerConfig } from '../config/config.ts'
import type { DegradationTracker } from '../health/degraded.ts'

export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const
export type BreakerState = (typeof BREAKER_STATES)[number]

/** Breakers one process may create: names are chosen by code (one per dependency), never by input. */
export const MAX_BREAKERS = 8
const BREAKER_NAME = /^[a-z][a-z0-9_]{0,31}$/
/** Buckets of the rolling window: the window slides by a tenth of BREAKER_WINDOW_MS. */
const WINDOW_BUCKETS = 10

/** Thrown instead of calling the dependency while the breaker is open (or half-open with its trial out). */
export class BreakerOpenError extends Error {
  readonly breaker: string
  /** Whole seconds until the breaker lets a trial call through (at least 1): the Retry-After to answer. */
  readonly retryAfterS: number

  constructor(breaker: string, retryAfterS: number) {
    super(`circuit breaker "${breaker}" is open`)
    this.name = 'BreakerOpenError'
    this.breaker = breaker
    this.retryAfterS = retryAfterS
  }
}

export interface Breaker {
  readonly name: string
  /**
   * Runs `work` unless the breaker is open: then rejects at once with BreakerOpenError and `work` is never
   * called. Its outcome counts as a failure only when the breaker's `isFailure` says so.
   */
  run<T>(work: () => Promise<T>): Promise<T>
  state(): BreakerState
}

export interface BreakerStatus {
  state: BreakerState
  /** When it entered its current state (ISO 8601). */
  since: string
  /** Open only: milliseconds until it lets a trial call through. */
  retry_in_ms?: number
  /** The rolling window: calls made, failures counted, calls refused while open. */
  window: { calls: number; failures: number; rejected: number }
}

export interface BreakerOptions {
  /** Whether an error means the dependency is unhealthy (counted); anything else counts as an answer. */
  isFailure(error: unknown): boolean
}

export interface BreakerRegistry {
  /** Creates the breaker `name`; throws for a second one of that name or past MAX_BREAKERS. */
  create(name: string, options: BreakerOptions): Breaker
  /** Every breaker's state, by name: for the detailed health. */
  states(): Record<string, BreakerStatus>
  /** `circuit_breaker_state{breaker,state}` and `circuit_breaker_transitions_total{breaker,to}` in `registry`. */
  registerMetrics(registry: Registry): void
  /** Stops every breaker's timers; calls made afterwards are refused. */
  close(): void
}

export interface BreakerLogger {
  warn(details: object, message: string): void
  info(details: object, message: string): void
}

export interface BreakerRegistryOptions {
  settings: BreakerConfig
  log: BreakerLogger
  degradation: Pick<DegradationTracker, 'markDegraded' | 'markRecovered'>
}

interface Entry {
  breaker: CircuitBreaker<[() => Promise<unknown>]>
  state: BreakerState
  sinceMs: number
  /** Transitions so far, by the state entered. */
  transitions: Record<BreakerState, number>
}

export function createBreakerRegistry(options: BreakerRegistryOptions): BreakerRegistry {
  const { settings, log, degradation } = options
  const entries = new Map<string, Entry>()

  function create(name: string, breakerOptions: BreakerOptions): Breaker {
    if (!BREAKER_NAME.test(name)) throw new Error(`invalid circuit breaker name "${name}"`)
    if (entries.has(name)) throw new Error(`circuit breaker "${name}" already exists`)
    if (entries.size >= MAX_BREAKERS) throw new Error(`more than ${MAX_BREAKERS} circuit breakers`)
    const breaker = new CircuitBreaker((work: () => Promise<unknown>) => work(), {
      name,
      // Every call it guards has its own timeout that cancels the work; opossum's would only abandon it.
      timeout: false,
      errorThresholdPercentage: settings.errorThresholdPercent,
      volumeThreshold: settings.volumeThreshold,
      resetTimeout: settings.resetTimeoutMs,
      rollingCountTimeout: settings.windowMs,
      rollingCountBuckets: WINDOW_BUCKETS,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      // A filtered error counts as a success: the dependency answered (a constraint violation, a 404).
      errorFilter: (error: unknown) => !breakerOptions.isFailure(error),
    })
    const entry: Entry = {
      breaker,
      state: 'closed',
      sinceMs: Date.now(),
      transitions: { closed: 0, open: 0, half_open: 0 },
    }
    entries.set(name, entry)
    breaker.on('open', () => enter(name, entry, 'open'))
    breaker.on('halfOpen', () => enter(name, entry, 'half_open'))
    breaker.on('close', () => enter(name, entry, 'closed'))
    return {
      name,
      state: () => entry.state,
      async run<T>(work: () => Promise<T>): Promise<T> {
        try {
          return (await breaker.fire(work)) as T
        } catch (error) {
          if (CircuitBreaker.isOurError(error as Error)) throw new BreakerOpenError(name, retryAfterS(entry))
          throw error
        }
      },
    }
  }

  function enter(name: string, entry: Entry, state: BreakerState): void {
    const previous = entry.state
    const heldMs = Date.now() - entry.sinceMs
    Object.assign(entry, { state, sinceMs: Date.now() })
    entry.transitions[state] += 1
    const { failures, fires, rejects } = entry.breaker.stats
    const calls = fires - rejects
    const fields = { breaker: name, from: previous, to: state, held_ms: heldMs }
    if (state === 'open') {
      const details = { ...fields, window: { calls, failures }, retry_in_ms: settings.resetTimeoutMs }
      // Opened by traffic: warn. Opened again because the trial call failed: the outage goes on, info.
      if (previous === 'closed') log.warn(details, 'circuit breaker open')
      else log.info(details, 'circuit breaker open again: the trial call failed')
      degradation.markDegraded(
        `breaker:${name}`,
        `circuit breaker open: ${failures} of ${calls} calls failed`,
      )
      return
    }
    if (state === 'half_open') return log.info(fields, 'circuit breaker half-open: one trial call')
    log.info(fields, 'circuit breaker closed')
    degradation.markRecovered(`breaker:${name}`)
  }

  /** Seconds until half-open, rounded up; 1 once half-open (the trial call is out, its answer is near). */
  function retryAfterS(entry: Entry): number {
    if (entry.state !== 'open') return 1
    return Math.max(1, Math.ceil(retryInMs(entry) / 1000))
  }

  function retryInMs(entry: Entry): number {
    return Math.max(0, entry.sinceMs + settings.resetTimeoutMs - Date.now())
  }

  return {
    create,
    states() {
      const states: Record<string, BreakerStatus> = {}
      for (const [name, entry] of entries) {
        const { fires, failures, rejects } = entry.breaker.stats
        states[name] = {
          state: entry.state,
          since: new Date(entry.sinceMs).toISOString(),
          ...(entry.state === 'open' ? { retry_in_ms: retryInMs(entry) } : {}),
          window: { calls: fires - rejects, failures, rejected: rejects },
        }
      }
      return states
    },
    registerMetrics(registry) {
      new Gauge({
        name: 'circuit_breaker_state',
        help: 'Processes whose circuit breaker is in this state (closed, open, half_open): 1 or 0 per process, summed over workers.',
        labelNames: ['breaker', 'state'],
        registers: [registry],
        collect() {
          for (const [name, entry] of entries) {
            for (const state of BREAKER_STATES)
              this.set({ breaker: name, state }, entry.state === state ? 1 : 0)
          }
        },
      })
      new Counter({
        name: 'circuit_breaker_transitions_total',
        help: 'Circuit breaker transitions, by breaker and the state entered (open, half_open, closed).',
        labelNames: ['breaker', 'to'],
        registers: [registry],
        collect() {
          // Read from the breakers at each scrape, so transitions before registration count too.
          this.reset()
          for (const [name, { transitions }] of entries) {
            for (const to of BREAKER_STATES) this.inc({ breaker: name, to }, transitions[to])
          }
        },
      })
    },
    close() {
      for (const { breaker } of entries.values()) breaker.shutdown()
    },
  }
}
