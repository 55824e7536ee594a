// A worker of a primary (node:cluster): one HTTP server on the shared port, answering the primary's
// heartbeats from its event loop, and stopping when told to. The terminal's Ctrl-C reaches the whole
// process group; a worker leaves it to its primary, which stops the workers in order.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { Config } from '../platform/config/config.ts'
import { createLogger } from '../platform/logging/logger.ts'
import { isToWorker, WORKER_ENV, type FromWorker } from './fleet-messages.ts'
import { startServer, type RunningServer } from './http-server.ts'
import { runProcess } from './process.ts'

export interface WorkerOptions {
  version: string
}

/** Runs this process as a worker: serves, then lives until the primary (or a SIGTERM) stops it. */
export async function runWorker(config: Readonly<Config>, options: WorkerOptions): Promise<void> {
  const slot = process.env[WORKER_ENV.slot] ?? String(process.pid)
  const processLogger = createLogger(config.log, undefined, { worker: slot })
  const { logger } = processLogger
  const send = (message: FromWorker) => {
    // The channel is gone when the primary died: the 'disconnect' handler below stops this worker.
    if (process.connected) process.send?.(message)
  }

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
      serveThePrimary(server, send)
      // Closed first, once every request has finished: the primary keeps the last counts when it exits.
      server.resources.add('final metrics', async () =>
        send({ type: 'stopped', snapshot: await server.metricsSnapshot() }),
      )
      // An orphan (its primary was killed) stops instead of serving a port nobody supervises.
      process.on('disconnect', () => controls.requestShutdown({ reason: 'primary gone' }))
      process.on('message', (message: unknown) => {
        if (isToWorker(message) && message.type === 'stop') {
          controls.requestShutdown({ reason: message.reason, drainDelayMs: message.drainDelayMs })
        }
      })
      send({ type: 'ready', url: server.url })
    },
    { stop: ['SIGTERM'], ignore: ['SIGINT', 'SIGHUP', 'SIGTTIN', 'SIGTTOU'] },
  )
}

/** Answers the primary's heartbeats and its scrape and health requests. */
function serveThePrimary(server: RunningServer, send: (message: FromWorker) => void): void {
  const lag = monitorEventLoopDelay({ resolution: 20 })
  lag.enable()
  process.on('message', (message: unknown) => {
    if (!isToWorker(message)) return
    switch (message.type) {
      case 'ping': {
        // Worst delay since the last heartbeat, in ms; then start a new window.
        const eventLoopLagMs = Math.round(lag.max / 1e6)
        lag.reset()
        send({
          type: 'heartbeat',
          seq: message.seq,
          requests: server.requestsServed(),
          rssBytes: process.memoryUsage.rss(),
          eventLoopLagMs,
        })
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
      case 'stop':
        return
    }
  })
}
