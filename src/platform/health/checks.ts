// Dependency checks for readiness: each bounded by a timeout, cached briefly and run single-flight.

export interface HealthCheck {
  name: string
  /**
   * Resolves when the dependency answers, optionally with details for the report (latency is measured
   * here); rejects, or exceeds the timeout, when it does not.
   */
  check(signal: AbortSignal): Promise<unknown>
  /** A failing non-critical check is reported but does not fail readiness. */
  critical?: boolean
}

export interface CheckOutcome {
  status: 'ok' | 'failing'
  duration_ms: number
  critical: boolean
  error?: string
  details?: Record<string, unknown>
}

export interface HealthReport {
  ok: boolean
  checks: Record<string, CheckOutcome>
}

export interface CheckRunnerOptions {
  /** How long a report is reused, so probes from many balancers cost one round of checks. */
  cacheMs: number
  /** Per-check deadline; a slow dependency counts as failing. */
  timeoutMs: number
  /** Called when a check starts or stops failing (the error text goes to the log, not to the probe). */
  onTransition?: (name: string, outcome: CheckOutcome) => void
}

export function createCheckRunner(options: CheckRunnerOptions) {
  const checks: HealthCheck[] = []
  let cached: { report: HealthReport; at: number } | undefined
  let running: Promise<HealthReport> | undefined

  async function runAll(): Promise<HealthReport> {
    const outcomes = await Promise.all(checks.map((check) => runOne(check, options.timeoutMs)))
    const report: HealthReport = { ok: true, checks: {} }
    checks.forEach((check, index) => {
      const outcome = outcomes[index] as CheckOutcome
      const previous = cached?.report.checks[check.name]?.status ?? 'ok'
      if (outcome.status !== previous) options.onTransition?.(check.name, outcome)
      report.checks[check.name] = outcome
      if (outcome.status === 'failing' && outcome.critical) report.ok = false
    })
    cached = { report, at: performance.now() }
    return report
  }

  return {
    add(check: HealthCheck): void {
      if (checks.some((existing) => existing.name === check.name)) {
        throw new Error(`health check "${check.name}" is already registered`)
      }
      checks.push(check)
      cached = undefined
    },
    /** The latest report, re-running the checks at most once per cacheMs however many callers ask. */
    run(): Promise<HealthReport> {
      if (cached !== undefined && performance.now() - cached.at < options.cacheMs)
        return Promise.resolve(cached.report)
      running ??= runAll().finally(() => {
        running = undefined
      })
      return running
    },
  }
}

async function runOne(check: HealthCheck, timeoutMs: number): Promise<CheckOutcome> {
  const started = performance.now()
  const critical = check.critical !== false
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const details = await Promise.race([
      check.check(signal),
      new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), {
          once: true,
        })
      }),
    ])
    const withDetails =
      typeof details === 'object' && details !== null ? { details: details as Record<string, unknown> } : {}
    return { status: 'ok', duration_ms: elapsed(started), critical, ...withDetails }
  } catch (error) {
    return { status: 'failing', duration_ms: elapsed(started), critical, error: (error as Error).message }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10
}
