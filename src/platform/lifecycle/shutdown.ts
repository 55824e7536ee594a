// The graceful shutdown sequence, one logged phase at a time, bounded by the configured timings.
import type { Server } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { LifecycleConfig } from '../config/config.ts'
import type { ConnectionTracker } from '../http/connections.ts'
import type { Lifecycle } from './state.ts'

/** How often idle keep-alive sockets are closed while in-flight requests finish. */
const IDLE_SWEEP_MS = 100
/** How long connections stay open after the listener closes, for requests already on their way. */
const IDLE_GRACE_MS = 1000

export interface ShutdownDeps {
  app: FastifyInstance
  /** The app server's connections, tracked from before it listened. */
  connections: ConnectionTracker
  lifecycle: Lifecycle
  log: FastifyBaseLogger
}

export interface ShutdownReport {
  /** Connections still open when SHUTDOWN_TIMEOUT_MS ran out, cut without an answer. */
  forcedConnections: number
  durationMs: number
}

/** The idle grace: IDLE_GRACE_MS, but never more than a quarter of SHUTDOWN_TIMEOUT_MS. */
export function idleGraceMsOf(shutdownTimeoutMs: number): number {
  return Math.min(IDLE_GRACE_MS, Math.floor(shutdownTimeoutMs / 4))
}

/**
 * 1. readiness turns 503 and every response not yet sent carries Connection: close;
 * 2. wait SHUTDOWN_DRAIN_DELAY_MS so load balancers stop routing here;
 * 3. close the listener only, then keep every open connection for the idle grace: a request already
 *    accepted, or sent on a keep-alive connection before the client saw our close, is still answered;
 * 4. close idle connections and let in-flight requests finish, all within SHUTDOWN_TIMEOUT_MS of the
 *    listener closing, then cut what is left;
 * 5. close the app; the caller then closes what the server opened (its close registry, newest first).
 */
export async function shutdownGracefully(
  deps: ShutdownDeps,
  config: LifecycleConfig,
): Promise<ShutdownReport> {
  const { app, connections, lifecycle, log } = deps
  const started = performance.now()

  lifecycle.startDraining()
  // Requests that began before the drain would otherwise leave their connection open for reuse.
  const marked = connections.closeAfterResponses()
  log.info(
    { phase: 'drain', drain_delay_ms: config.drainDelayMs, responses_marked_close: marked },
    'shutdown: readiness is failing, draining',
  )
  // Without a drain delay the listener closes in this very tick, before any client has read a
  // Connection: close and reconnected: a connection opened after that is refused, never reset.
  if (config.drainDelayMs > 0) await sleep(config.drainDelayMs)

  connections.stopListening()
  const stoppedListeningAt = performance.now()
  const idleGraceMs = idleGraceMsOf(config.shutdownTimeoutMs)
  log.info(
    { phase: 'stop_accepting', idle_grace_ms: idleGraceMs, open_connections: connections.openConnections },
    'shutdown: listener closed, open connections may still send a request',
  )
  await connections.waitForNoConnections(idleGraceMs)

  log.info(
    { phase: 'in_flight', timeout_ms: config.shutdownTimeoutMs, in_flight: connections.responsesInProgress },
    'shutdown: closing idle connections, waiting for in-flight requests',
  )
  // Node closes the connections idle at this instant inside server.close(); the rest close after their
  // response, which carries Connection: close.
  const closed = app.close()
  const remainingMs = Math.max(0, config.shutdownTimeoutMs - (performance.now() - stoppedListeningAt))
  const forcedConnections = await waitOrCut(app.server, closed, remainingMs, log)

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
  // A response whose headers left before the drain kept its connection alive: once it is done, the
  // connection turns idle, and sweeping idle connections lets the server close as soon as the last one is.
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
