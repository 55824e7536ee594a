// What the management listener reports with WORKERS=1: this one process is the only worker, its app's
// registry is the whole of /metrics, and its readiness is the server's.
import type { Logger } from 'pino'
import type { AdminSource } from './admin.ts'
import type { RunningServer } from './http-server.ts'

export function singleProcessSource(server: RunningServer, logger: Logger): AdminSource {
  const started = performance.now()
  const self = async () => ({
    slot: 1,
    pid: process.pid,
    state: server.phase(),
    uptime_s: Math.round((performance.now() - started) / 1000),
    requests: await server.requestsServed(),
    rss_bytes: process.memoryUsage.rss(),
  })
  return {
    metrics: () => server.metricsText(),
    live: () => server.phase() !== 'stopped',
    async readiness() {
      const { ready, status } = await server.readiness()
      return { ready, detail: { status, ready_workers: ready ? 1 : 0, workers: 1, required: 1 } }
    },
    async health() {
      const { ready, status, checks, dependencies, breakers, caches } = await server.readiness()
      const health = { status, checks, dependencies, breakers, caches }
      return { ok: ready, status, workers: [{ ...(await self()), ready, health }] }
    },
    workers: async () => [await self()],
    logLevel: async () => ({ level: logger.level }),
    async setLogLevel(level) {
      const previous = logger.level
      logger.level = level
      logger.warn({ log_level: level, previous_log_level: previous }, 'log level changed')
      return { level: logger.level }
    },
  }
}
