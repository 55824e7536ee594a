// The messages a primary and its workers exchange over the cluster IPC channel, and the environment a
// primary gives a worker it forks. Both sides import these, so a message has one shape.
import type { LogLevel } from '../platform/config/config.ts'

/** The primary to a worker. */
export type ToWorker =
  /** Answer with a heartbeat from the event loop: a worker that cannot is killed. */
  | { type: 'ping'; seq: number }
  /** Drain and exit 0 (recycling, reload, fewer workers, or the whole server stopping). */
  | { type: 'stop'; reason: string; drainDelayMs: number }
  /** Send the metrics registry's snapshot, tagged with `id`. */
  | { type: 'scrape'; id: number }
  /** Send the readiness report, tagged with `id`. */
  | { type: 'health'; id: number }
  /** Log at `level` from now on (PUT /log-level), when given; answer with the level in force, tagged with `id`. */
  | { type: 'log-level'; id: number; level?: LogLevel }

/** A worker to the primary. */
export type FromWorker =
  /** Listening and serving. */
  | { type: 'ready'; url: string }
  | { type: 'heartbeat'; seq: number; requests: number; rssBytes: number; eventLoopLagMs: number }
  | { type: 'metrics'; id: number; snapshot: unknown }
  | { type: 'health'; id: number; ready: boolean; report: unknown }
  | { type: 'log-level'; id: number; level: string }
  /** Sent once the shutdown has finished, just before the exit: the final metrics. */
  | { type: 'stopped'; snapshot: unknown }

/** Variables a primary sets for the workers it forks; read by the worker side only. */
export const WORKER_ENV = {
  /** The worker's slot, 1..WORKERS, stable across its replacements (logs and metrics label workers by it). */
  slot: 'BULWARK_WORKER_SLOT',
  /** Set for the one worker that offers the first-start admin key. */
  offerFirstKey: 'BULWARK_WORKER_OFFER_FIRST_KEY',
  /** The connection string of the embedded database the primary serves (embedded-database.ts). */
  servedDatabase: 'BULWARK_SERVED_DATABASE_URL',
} as const

const TO_WORKER_TYPES = new Set<string>(['ping', 'stop', 'scrape', 'health', 'log-level'])
const FROM_WORKER_TYPES = new Set<string>(['ready', 'heartbeat', 'metrics', 'health', 'stopped', 'log-level'])

function typeOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined
  const type = (message as { type?: unknown }).type
  return typeof type === 'string' ? type : undefined
}

/** A message from the primary (cluster also delivers its own internal messages on the same channel). */
export function isToWorker(message: unknown): message is ToWorker {
  return TO_WORKER_TYPES.has(typeOf(message) ?? '')
}

export function isFromWorker(message: unknown): message is FromWorker {
  return FROM_WORKER_TYPES.has(typeOf(message) ?? '')
}
