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

/** What the process offers what it runs. */
export interface ProcessControls {
  /**
   * From now on the first SIGTERM or SIGINT runs `shutdown` and exits 0 (1 if it fails), a later one exits
   * 1 at once, and an uncaught exception or unhandled rejection exits 1. Call once.
   */
  handleSignals(shutdown: () => Promise<void>): void
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
): Promise<void> {
  const exit = async (code: number) => {
    await flush()
    process.exit(code)
  }
  const fail = (failure: FatalError) => {
    logger.fatal({ error: failure.cause }, failure.message)
    return exit(failure.exitCode)
  }

  const handleSignals = (shutdown: () => Promise<void>) => {
    let firstSignalAt: number | undefined
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstSignalAt !== undefined) {
        // Under `npm start` a terminal's Ctrl-C reaches node twice (from the TTY and forwarded by npm)
        // within milliseconds; only a signal sent after that counts as the operator's second one.
        if (performance.now() - firstSignalAt < DUPLICATE_SIGNAL_WINDOW_MS) return
        logger.warn({ signal }, 'second signal: exiting now without finishing the shutdown')
        void exit(1)
        return
      }
      firstSignalAt = performance.now()
      logger.info({ signal }, 'shutdown requested')
      shutdown().then(
        () => exit(0),
        (error: unknown) => {
          logger.error({ error }, 'shutdown failed')
          return exit(1)
        },
      )
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
    process.on('uncaughtException', (error) => {
      logger.fatal({ error }, 'uncaught exception; exiting')
      void exit(1)
    })
    process.on('unhandledRejection', (reason) => {
      logger.fatal({ error: reason }, 'unhandled promise rejection; exiting')
      void exit(1)
    })
  }

  try {
    await main({ handleSignals, fail })
  } catch (error) {
    if (error instanceof FatalError) return fail(error)
    throw error
  }
}
