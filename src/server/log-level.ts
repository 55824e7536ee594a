// The log level as the management listener reads and changes it at run time (GET and PUT /log-level).
import type { LogLevel } from '../platform/config/config.ts'

/** The levels PUT /log-level accepts: every level but silent (refused in production, and it hides errors). */
export const RUNTIME_LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const
export type RuntimeLogLevel = (typeof RUNTIME_LOG_LEVELS)[number] & LogLevel

/** What GET and PUT /log-level answer: the answering process's level and, for a primary, each worker's. */
export interface LogLevelReport {
  level: string
  /** A primary's workers, by slot; `level` null for a worker that did not answer in time. */
  workers?: { slot: number; level: string | null }[]
}

export function isRuntimeLogLevel(value: unknown): value is RuntimeLogLevel {
  return (RUNTIME_LOG_LEVELS as readonly unknown[]).includes(value)
}
