// Gauges read at scrape time from what the server already tracks: requests in flight and open connections
// (the connection tracker), the database pool, and the event loop's utilisation since the last scrape.
// Nothing here costs a request anything.
import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { Gauge, type Registry } from 'prom-client'
import type { PoolStats } from '../db/database.ts'

export interface ServerMetricSources {
  connections: { readonly openConnections: number; readonly responsesInProgress: number }
  poolStats(): PoolStats
}

export function registerServerMetrics(registry: Registry, sources: ServerMetricSources): void {
  const { connections } = sources
  new Gauge({
    name: 'http_requests_in_flight',
    help: 'Requests that have arrived and whose response has not finished.',
    registers: [registry],
    collect() {
      this.set(connections.responsesInProgress)
    },
  })
  new Gauge({
    name: 'http_connections_open',
    help: 'Client connections open (active and idle keep-alive).',
    registers: [registry],
    collect() {
      this.set(connections.openConnections)
    },
  })
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state: total (open), idle, max (the pool size).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = sources.poolStats()
      this.set({ state: 'total' }, stats.total)
      this.set({ state: 'idle' }, stats.idle)
      this.set({ state: 'max' }, stats.max)
    },
  })
  new Gauge({
    name: 'db_pool_waiting_requests',
    help: 'Queries waiting for a free database connection.',
    registers: [registry],
    collect() {
      this.set(sources.poolStats().waiting)
    },
  })
  let last: EventLoopUtilization = performance.eventLoopUtilization()
  new Gauge({
    name: 'nodejs_eventloop_utilization',
    help: 'Share of the time since the previous scrape the event loop was busy (0 to 1); averaged over workers.',
    registers: [registry],
    aggregator: 'average',
    collect() {
      const now = performance.eventLoopUtilization()
      this.set(performance.eventLoopUtilization(now, last).utilization)
      last = now
    },
  })
}
