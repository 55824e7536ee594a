// Which dependencies are degraded (unreachable, or answered by a local fallback): one warn line when one
// enters the state and one info line when it leaves, never one per request; the `dependency_degraded`
// gauge; and the states the detailed health reports. The Redis client drives `redis` from its connection
// events; a store with a fallback (rate limits, cache) marks the fallback it is using.
import { Gauge, type Registry } from 'prom-client'

/** The gauge: 1 while the dependency is degraded, 0 once it recovered (absent until first marked). */
export const DEPENDENCY_DEGRADED_METRIC = 'dependency_degraded'

/** Dependency names are chosen by code, never by clients; a bounded set keeps the series count bounded. */
const MAX_DEPENDENCIES = 64
const DEPENDENCY_NAME = /^[a-z][a-z0-9_:.-]{0,47}$/

/**
 * The edge of a fallback: `onChange(true, reason)` once when the first failure comes, `onChange(false)` once
 * when the next success does; repeats in between say nothing. For a store that falls back on failure and
 * reports it (to the tracker, usually) without a flag of its own.
 */
export function createFallbackSwitch<R = unknown>(onChange: (active: boolean, reason?: R) => void) {
  let active = false
  return {
    failed(reason: R): void {
      if (active) return
      active = true
      onChange(true, reason)
    },
    answered(): void {
      if (!active) return
      active = false
      onChange(false)
    },
    get active(): boolean {
      return active
    },
  }
}

export interface DependencyState {
  degraded: boolean
  /** When it entered its current state (ISO 8601). */
  since: string
  /** Why it is degraded: the first reason given when it entered the state (absent when it is not). */
  reason?: string
}

/** What the tracker writes: `warn` when a dependency degrades, `info` when it recovers. */
export interface DegradationLogger {
  warn(details: object, message: string): void
  info(details: object, message: string): void
}

export interface DegradationTracker {
  /** Marks it degraded; logs once at warn when it was not (a repeat only keeps the first reason). */
  markDegraded(dependency: string, reason: string): void
  /** Marks it healthy; logs once at info (with how long it was degraded) when it was degraded. */
  markRecovered(dependency: string): void
  isDegraded(dependency: string): boolean
  /** Every dependency marked so far, by name: for the detailed health. */
  states(): Record<string, DependencyState>
  /**
   * Registers the `dependency_degraded{dependency}` gauge in `registry`, read from the tracker at each
   * scrape; across workers the fleet reports the max (1 when any worker is degraded).
   */
  registerMetrics(registry: Registry): void
}

interface Entry {
  degraded: boolean
  sinceMs: number
  reason: string | undefined
}

export function createDegradationTracker(options: { log: DegradationLogger }): DegradationTracker {
  const { log } = options
  const entries = new Map<string, Entry>()

  function entryOf(dependency: string): Entry {
    const existing = entries.get(dependency)
    if (existing !== undefined) return existing
    if (!DEPENDENCY_NAME.test(dependency)) throw new Error(`invalid dependency name "${dependency}"`)
    if (entries.size >= MAX_DEPENDENCIES)
      throw new Error(`more than ${MAX_DEPENDENCIES} dependencies tracked`)
    const entry: Entry = { degraded: false, sinceMs: Date.now(), reason: undefined }
    entries.set(dependency, entry)
    return entry
  }

  return {
    markDegraded(dependency, reason) {
      const entry = entryOf(dependency)
      if (entry.degraded) return
      Object.assign(entry, { degraded: true, sinceMs: Date.now(), reason })
      log.warn({ dependency, reason }, 'dependency degraded')
    },
    markRecovered(dependency) {
      const entry = entryOf(dependency)
      if (!entry.degraded) return
      const degradedMs = Date.now() - entry.sinceMs
      Object.assign(entry, { degraded: false, sinceMs: Date.now(), reason: undefined })
      log.info({ dependency, degraded_ms: degradedMs }, 'dependency recovered')
    },
    isDegraded: (dependency) => entries.get(dependency)?.degraded ?? false,
    states() {
      const states: Record<string, DependencyState> = {}
      for (const [name, { degraded, sinceMs, reason }] of entries) {
        states[name] = {
          degraded,
          since: new Date(sinceMs).toISOString(),
          ...(reason === undefined ? {} : { reason }),
        }
      }
      return states
    },
    registerMetrics(registry) {
      new Gauge({
        name: DEPENDENCY_DEGRADED_METRIC,
        help: 'Whether a dependency is degraded (unreachable, or served by a local fallback): 1 or 0.',
        labelNames: ['dependency'],
        registers: [registry],
        aggregator: 'max',
        collect() {
          for (const [dependency, { degraded }] of entries) this.set({ dependency }, degraded ? 1 : 0)
        },
      })
    },
  }
}
