// The process's metric registry: a fresh prom-client Registry, never the library's global one, so two apps
// in one process (tests) never share or clash over series.
import { collectDefaultMetrics, Registry } from 'prom-client'

export interface MetricsRegistryOptions {
  /**
   * Collect prom-client's default process metrics (`process_*`, `nodejs_*`: CPU, memory, event loop lag,
   * GC, handles). They start an event-loop-delay monitor and a GC observer that live as long as the process.
   */
  processMetrics: boolean
}

/** A new, empty registry; with `processMetrics`, prom-client's default process metrics are registered in it. */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry()
  if (options.processMetrics) collectDefaultMetrics({ register: registry })
  return registry
}
