// The process a server runs in: shutdown signals (a duplicate delivery ignored, a second signal exits at
// once), crashes, exit codes, and flushing the logger before process.exit. What it runs knows none of this.
import type { ProcessLogger } from '../platform/logging/logger.ts'

/** Signals this close to the first are the same signal delivered twice, not a request to hurry. */
const DUPLICATE_SIGNAL_WINDOW_MS = 250

/** Ends the process: logged at fatal with its message (and its cause, if any), then exit `exitCode`. */
export class FatalError extends Error {
  override name = 'FatalError'
  readonly exitCode: number
  constructor(message: string, exitCode: number, options: { cause?: unknown } = {}) {
    super(message, options)
    this.exitCode = exitCode
  }
}

/** How a shutdown was asked for; a stop the supervisor orders (recycling, reload) skips the drain delay. */
export interface ShutdownRequest {
  reason: string
  /** Overrides SHUTDOWN_DRAIN_DELAY_MS: 0 when no load balancer has to notice (the supervisor routes). */
  drainDelayMs?: number
}

/** Which signals stop the process, and which it ignores (a worker leaves the terminal's Ctrl-C to its primary). */
export interface SignalPolicy {
  stop: readonly NodeJS.Signals[]
  ignore: readonly NodeJS.Signals[]
}

const DEFAULT_SIGNALS: SignalPolicy = { stop: ['SIGTERM', 'SIGINT'], ignore: [] }

/** What the process offers what it runs. */
export interface ProcessControls {
  /**
   * From now on the first stop signal (SIGTERM or SIGINT unless the process was given another policy) runs
   * `shutdown` and exits 0 (1 if it fails), a later one exits 1 at once, and an uncaught exception or
   * unhandled rejection exits 1. Call once.
   */
  handleSignals(shutdown: (request: ShutdownRequest) => Promise<void>): void
  /** Runs the shutdown as the first signal would (ignored once one has begun): a stop ordered over IPC. */
  requestShutdown(request: ShutdownRequest): void
  /** Ends the process on a failure found after start-up. */
  fail(failure: FatalError): Promise<void>
}

/**
 * Runs `main` in this process; a FatalError it throws ends the process with its exit code. Resolves when
 * `main` has started what it runs: the process then lives until a signal or a failure ends it.
 */
export async function runProcess(
  { logger, flush }: ProcessLogger,
  main: (controls: ProcessControls) => Promise<unknown>,
  signals: SignalPolicy = DEFAULT_SIGNALS,
): Promise<void> {
  const exit = async (code: number) => {
    await flush()
    process.exit(code)
  }
  const fail = (failure: FatalError) => {
    logger.fatal({ error: failure.cause }, failure.message)
    return exit(failure.exitCode)
  }

  let runShutdown: ((request: ShutdownRequest) => Promise<void>) | undefined
  let firstStopAt: number | undefined
  const beginShutdown = (request: ShutdownRequest) => {
    if (runShutdown === undefined || firstStopAt !== undefined) return
    firstStopAt = performance.now()
    runShutdown(request).then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ error }, 'shutdown failed')
        return exit(1)
      },
    )
  }

  const handleSignals = (shutdown: (request: ShutdownRequest) => Promise<void>) => {
    runShutdown = shutdown
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstStopAt !== undefined) {
        // Under `npm start` a terminal's Ctrl-C reaches node twice (from the TTY and forwarded by npm)
        // within milliseconds; only a signal sent after that counts as the operator's second one.
        if (performance.now() - firstStopAt < DUPLICATE_SIGNAL_WINDOW_MS) return
        logger.warn({ signal }, 'second signal: exiting now without finishing the shutdown')
        void exit(1)
        return
      }
      logger.info({ signal }, 'shutdown requested')
      beginShutdown({ reason: signal })
    }
    for (const signal of signals.stop) process.on(signal, onSignal)
    for (const signal of signals.ignore) process.on(signal, () => undefined)
    process.on('uncaughtException', (error) => {
      logger.fatal({ error }, 'uncaught exception; exiting')
      void exit(1)
    })
    process.on('unhandledRejection', (reason) => {
      logger.fatal({ error: reason }, 'unhandled promise rejection; exiting')
      void exit(1)
    })
  }
  const requestShutdown = (request: ShutdownRequest) => {
    if (firstStopAt === undefined && runShutdown !== undefined) {
      logger.info({ reason: request.reason }, 'shutdown requested')
    }
    beginShutdown(request)
  }

  try {
    await main({ handleSignals, requestShutdown, fail })
  } catch (error) {
    if (error instanceof FatalError) return fail(error)
    throw error
  }
}
