// The graceful shutdown sequence, one logged phase at a time, bounded by the configured timings.
import type { Server } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { LifecycleConfig } from '../config/config.ts'
import type { Lifecycle } from './state.ts'

/** How often idle keep-alive sockets are closed while in-flight requests finish. */
const IDLE_SWEEP_MS = 100

export interface ShutdownDeps {
  app: FastifyInstance
  lifecycle: Lifecycle
  log: FastifyBaseLogger
}

export interface ShutdownReport {
  /** Connections still open when SHUTDOWN_TIMEOUT_MS ran out, cut without an answer. */
  forcedConnections: number
  durationMs: number
}

/**
 * 1. readiness turns 503 and responses carry Connection: close;
 * 2. wait SHUTDOWN_DRAIN_DELAY_MS so load balancers stop routing here;
 * 3. stop accepting and close idle keep-alive connections explicitly;
 * 4. let in-flight requests finish within SHUTDOWN_TIMEOUT_MS, then cut what is left;
 * 5. close resources (Fastify onClose hooks, newest first).
 */
export async function shutdownGracefully(
  deps: ShutdownDeps,
  config: LifecycleConfig,
): Promise<ShutdownReport> {
  const { app, lifecycle, log } = deps
  const started = performance.now()
  const server: Server = app.server

  lifecycle.startDraining()
  log.info(
    { phase: 'drain', drain_delay_ms: config.drainDelayMs },
    'shutdown: readiness is failing, draining',
  )
  await sleep(config.drainDelayMs)

  log.info({ phase: 'stop_accepting' }, 'shutdown: listener closed, closing idle connections')
  const closed = app.close()
  // Node 19+ closes idle sockets inside server.close(), but that is an implementation detail we do not
  // lean on: keep-alive sockets with no request in flight are closed here, explicitly.
  server.closeIdleConnections()

  log.info(
    { phase: 'in_flight', timeout_ms: config.shutdownTimeoutMs },
    'shutdown: waiting for in-flight requests',
  )
  const forcedConnections = await waitOrCut(server, closed, config.shutdownTimeoutMs, log)

  lifecycle.markStopped()
  const durationMs = Math.round(performance.now() - started)
  log.info(
    { phase: 'stopped', duration_ms: durationMs, forced_connections: forcedConnections },
    'shutdown: complete',
  )
  return { forcedConnections, durationMs }
}

async function waitOrCut(
  server: Server,
  closed: Promise<undefined>,
  timeoutMs: number,
  log: FastifyBaseLogger,
): Promise<number> {
  const timer = new AbortController()
  // Requests that began before the drain were answered without Connection: close, so their sockets turn
  // idle after the response; sweeping idle sockets lets the server close as soon as the last one is done.
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS)
  const outcome = await Promise.race([
    closed.then(() => 'closed' as const),
    sleep(timeoutMs, 'timeout' as const, { signal: timer.signal }).catch(() => 'closed' as const),
  ])
  timer.abort()
  clearInterval(sweep)
  if (outcome === 'closed') return 0
  const open = await new Promise<number>((resolve) => {
    server.getConnections((error, count) => resolve(error === null ? count : 0))
  })
  log.warn(
    { phase: 'in_flight', open_connections: open },
    'shutdown: timeout reached, cutting remaining connections',
  )
  server.closeAllConnections()
  await closed
  return open
}
