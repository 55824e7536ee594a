// The supervisor's own metrics, in the primary's registry: workers wanted and ready, starts, exits by
// reason (crashes, heartbeat kills and recycling among them) and reloads by outcome.
import { Counter, Gauge, type Registry } from 'prom-client'
import type { ExitReason, Supervisor, SupervisorEvents } from './supervisor.ts'

/**
 * Exit reasons exported at 0 from the start: a counter series that appears at 1 loses its first increment
 * to Prometheus's increase(), so the crash-loop alert (deploy/prometheus/alerts.yml) would miss one crash.
 */
const FAILURE_REASONS = ['crashed', 'start_failed', 'heartbeat'] as const satisfies readonly ExitReason[]

/** The events the supervisor reports, counted in `registry`; `supervisor()` is read at each scrape. */
export function createSupervisorMetrics(
  registry: Registry,
  supervisor: () => Supervisor | undefined,
): SupervisorEvents {
  new Gauge({
    name: 'bulwark_workers',
    help: 'Workers the supervisor keeps running (WORKERS, moved by SIGTTIN/SIGTTOU).',
    registers: [registry],
    collect() {
      this.set(supervisor()?.target ?? 0)
    },
  })
  new Gauge({
    name: 'bulwark_workers_ready',
    help: 'Workers ready and serving.',
    registers: [registry],
    collect() {
      this.set(supervisor()?.readyCount ?? 0)
    },
  })
  const starts = new Counter({
    name: 'bulwark_worker_starts_total',
    help: 'Workers forked (first start, replacements, recycling, reloads, scaling).',
    registers: [registry],
  })
  const exits = new Counter({
    name: 'bulwark_worker_exits_total',
    help: 'Workers that exited, by reason: recycled_requests, recycled_rss, recycled_age, reload, scale_down, shutdown, crashed, exited_unasked, start_failed, heartbeat.',
    labelNames: ['reason'],
    registers: [registry],
  })
  for (const reason of FAILURE_REASONS) exits.inc({ reason }, 0)
  const reloads = new Counter({
    name: 'bulwark_reloads_total',
    help: 'SIGHUP reloads, by outcome: finished, refused (the configuration failed its check) or failed.',
    labelNames: ['outcome'],
    registers: [registry],
  })
  return {
    started: () => starts.inc(),
    ready: () => undefined,
    exited: (_slot, reason) => exits.inc({ reason }),
    reloaded: (outcome) => reloads.inc({ outcome }),
  }
}
