// A worker of a primary (node:cluster): one HTTP server on the shared port, answering the primary's
// heartbeats from its event loop, and stopping when told to. The terminal's Ctrl-C reaches the whole
// process group; a worker leaves it to its primary, which stops the workers in order.
import { flushCompileCache } from 'node:module'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { Logger } from 'pino'
import type { Config } from '../platform/config/config.ts'
import { createLogger } from '../platform/logging/logger.ts'
import { isToWorker, WORKER_ENV, type FromWorker } from './fleet-messages.ts'
import { startServer, type RunningServer } from './http-server.ts'
import { runProcess, type ShutdownRequest } from './process.ts'

export interface WorkerOptions {
  version: string
}

/** Runs this process as a worker: serves, then lives until the primary (or a SIGTERM) stops it. */
export async function runWorker(config: Readonly<Config>, options: WorkerOptions): Promise<void> {
  const slot = process.env[WORKER_ENV.slot] ?? String(process.pid)
  // With LOG_FILE, this stdout is a pipe to the primary, which writes the file for every worker.
  const processLogger = createLogger(config.log, undefined, { worker: slot }, false)
  const { logger } = processLogger
  /** Resolves once the message is written to the channel (or at once when the primary is gone). */
  const send = (message: FromWorker) =>
    new Promise<void>((resolve) => {
      if (!process.connected || process.send === undefined) return resolve()
      process.send(message, undefined, {}, () => resolve())
    })

  await runProcess(
    processLogger,
    async (controls) => {
      const server = await startServer(config, {
        logger,
        version: options.version,
        controls,
        offerFirstKey: process.env[WORKER_ENV.offerFirstKey] === '1',
        servedDatabaseUrl: process.env[WORKER_ENV.servedDatabase],
        announce: false,
      })
      serveThePrimary(server, logger, send, (request) => controls.requestShutdown(request))
      // Closed first, once every request has finished: the primary keeps the last counts when it exits.
      // Awaited until written, so process.exit cannot cut the message short.
      server.resources.add('final metrics', async () =>
        send({ type: 'stopped', snapshot: await server.metricsSnapshot() }),
      )
      // A worker whose primary is gone (kill -9) is ended at once by node:cluster itself: nobody would
      // supervise it.
      void send({ type: 'ready', url: server.url })
      // Node writes the compile cache (main.ts) when a process exits, which a worker killed with -9 never
      // does: written now, it is there for the next worker to start.
      flushCompileCache()
    },
    // SIGUSR2 reopens the log file, which only the primary has open: a worker that got it too (a signal to
    // the whole group) must not die of it, as it would without a handler.
    { stop: ['SIGTERM'], ignore: ['SIGINT', 'SIGHUP', 'SIGTTIN', 'SIGTTOU', 'SIGUSR2'] },
  )
}

/**
 * Answers the primary's heartbeats, its scrape, health and log-level requests (a level it sends applies at
 * once), and drains when told to stop.
 */
function serveThePrimary(
  server: RunningServer,
  logger: Logger,
  send: (message: FromWorker) => Promise<void>,
  stop: (request: ShutdownRequest) => void,
): void {
  const lag = monitorEventLoopDelay({ resolution: 20 })
  lag.enable()
  process.on('message', (message: unknown) => {
    if (!isToWorker(message)) return
    switch (message.type) {
      case 'ping': {
        // Worst delay since the last heartbeat, in ms; then start a new window.
        const eventLoopLagMs = Math.round(lag.max / 1e6)
        lag.reset()
        void server.requestsServed().then((requests) =>
          send({
            type: 'heartbeat',
            seq: message.seq,
            requests,
            rssBytes: process.memoryUsage.rss(),
            eventLoopLagMs,
          }),
        )
        return
      }
      case 'health':
        server.readiness().then(
          ({ ready, ...report }) => send({ type: 'health', id: message.id, ready, report }),
          (error: unknown) =>
            send({ type: 'health', id: message.id, ready: false, report: { error: String(error) } }),
        )
        return
      case 'scrape':
        server.metricsSnapshot().then(
          (snapshot) => send({ type: 'metrics', id: message.id, snapshot }),
          () => undefined,
        )
        return
      case 'log-level':
        if (message.level !== undefined) logger.level = message.level
        void send({ type: 'log-level', id: message.id, level: logger.level })
        return
      case 'stop':
        stop({ reason: message.reason, drainDelayMs: message.drainDelayMs })
        return
    }
  })
}
