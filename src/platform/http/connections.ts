// The connections an HTTP server holds and the responses in progress on them, so that the shutdown can stop
// listening without cutting a connection whose request has just arrived, and ask responses to close theirs.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

export interface ConnectionTracker {
  /** Connections accepted and not yet closed. */
  readonly openConnections: number
  /** Responses whose request has arrived and which have not finished yet. */
  readonly responsesInProgress: number
  /**
   * Adds `Connection: close` to every response in progress whose headers are not sent yet, so its client
   * does not reuse a connection that is about to close; returns how many were marked.
   */
  closeAfterResponses(): number
  /**
   * Closes the listener and nothing else. `http.Server#close` also destroys every connection it deems idle
   * at that instant, including one just accepted whose request is still in the socket buffer: a reset for
   * a request that reached us.
   */
  stopListening(): void
  /** Resolves with true once no connection is open, or with false after `timeoutMs`. */
  waitForNoConnections(timeoutMs: number): Promise<boolean>
}

/** Starts tracking `server`'s connections and responses; call before it accepts connections. */
export function trackConnections(server: Server): ConnectionTracker {
  const sockets = new Set<Socket>()
  const responses = new Set<ServerResponse>()
  const drainedWaiters = new Set<() => void>()

  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => {
      sockets.delete(socket)
      if (sockets.size === 0) for (const wake of drainedWaiters) wake()
    })
  })
  // 'close' follows 'finish' and also comes when the connection dies first: the set cannot leak.
  // One listener for every response, not a closure per request.
  function forgetResponse(this: ServerResponse) {
    responses.delete(this)
  }
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    responses.add(response)
    response.once('close', forgetResponse)
  })

  return {
    get openConnections() {
      return sockets.size
    },
    get responsesInProgress() {
      return responses.size
    },
    closeAfterResponses() {
      let marked = 0
      for (const response of responses) {
        if (response.headersSent) continue
        response.setHeader('connection', 'close')
        marked += 1
      }
      return marked
    },
    stopListening() {
      NetServer.prototype.close.call(server)
    },
    waitForNoConnections(timeoutMs) {
      if (sockets.size === 0) return Promise.resolve(true)
      return new Promise((resolve) => {
        const done = (drained: boolean) => {
          clearTimeout(timer)
          drainedWaiters.delete(wake)
          resolve(drained)
        }
        const wake = () => done(true)
        const timer = setTimeout(done, timeoutMs, false)
        drainedWaiters.add(wake)
      })
    },
  }
}

export interface DropLogger {
  warn(details: object, message: string): void
}

/**
 * Logs connections closed on accept because MAX_CONNECTIONS were open: the first at once, then one line
 * per `intervalMs` with the count since the previous line while drops go on, so a flood of clients
 * cannot flood the log.
 */
export function logDroppedConnections(
  server: Server,
  limit: number,
  log: DropLogger,
  intervalMs = 10_000,
): void {
  let dropped = 0
  let quiet: NodeJS.Timeout | undefined
  const flush = () => {
    quiet = undefined
    if (dropped === 0) return
    log.warn(
      { max_connections: limit, dropped_connections: dropped },
      'connection limit reached: connections dropped',
    )
    dropped = 0
    // Unreferenced: a pending summary never keeps a stopping process alive.
    quiet = setTimeout(flush, intervalMs).unref()
  }
  server.on('drop', () => {
    dropped += 1
    if (quiet === undefined) flush()
  })
}
