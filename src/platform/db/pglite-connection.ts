// One client connection of the served embedded database (pglite-server.ts): its start-up, answered
// without PGlite, then its exchanges, each run in a turn on PGlite's one session. A connection that leaves
// a transaction open keeps the session until it ends it, or until it idles too long or goes away, when
// its transaction is rolled back.
import { randomInt } from 'node:crypto'
import type { Socket } from 'node:net'
import type { PgliteClient, PglitePool } from './pglite-pool.ts'
import type { ServePgliteOptions } from './pglite-server.ts'
import {
  backendKeyData,
  CANCEL_REQUEST_CODE,
  copyFailAndSync,
  errorResponse,
  finalTransactionStatus,
  GSSENC_REQUEST_CODE,
  parseStatementName,
  PROTOCOL_3_0,
  readFrame,
  readStartupParameters,
  readyForQuery,
  SSL_REQUEST_CODE,
} from './pglite-wire.ts'

/** One message (a query with its parameters) above this closes the connection; the API's bodies are far smaller. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024
/** How long a new connection may take to send its start-up message. */
const STARTUP_TIMEOUT_MS = 10_000
/** Exchanges a connection may send ahead of their answers (pg sends one at a time). */
const MAX_PENDING_EXCHANGES = 8
/** Start-up parameters a connection may send; any other would set the one shared session for everyone. */
const ACCEPTED_PARAMETERS = new Set(['user', 'database', 'application_name', 'client_encoding'])
/** Messages that end an exchange: the backend answers them with ReadyForQuery. */
const EXCHANGE_ENDS = new Set(['S', 'Q'])
/** Flush (cursors, streaming), FunctionCall and COPY data: exchanges that cannot be kept to one turn. */
const REFUSED_MESSAGES = new Set(['H', 'F', 'd', 'c', 'f'])

/** What every connection shares: the session, the start-up greeting, the server's options. */
export interface ConnectionContext {
  pglite: PglitePool
  greeting: Buffer
  options: Pick<ServePgliteOptions, 'transactionIdleTimeoutMs' | 'log'>
}

export interface ServedConnection {
  /** Closes the socket; resolves once what the connection left open on the session is rolled back. */
  close(reason: 'shutdown'): Promise<void>
}

/** One client connection: start-up, then its exchanges, each run in a turn on the shared session. */
export function serveConnection(
  socket: Socket,
  context: ConnectionContext,
  refused: boolean,
  forget: () => void,
): ServedConnection {
  const { pglite, options } = context
  let buffer: Buffer = Buffer.alloc(0)
  let started = false
  let closed = false
  let exchange: Buffer[] = []
  let exchangeBytes = 0
  let pending = 0
  let work: Promise<void> = Promise.resolve()
  /** The session, while this connection holds it (a transaction it has not ended yet). */
  let held: PgliteClient | undefined
  let idleTimer: NodeJS.Timeout | undefined

  const close = (finalMessage?: Buffer): Promise<void> => {
    if (!closed) {
      closed = true
      clearTimeout(idleTimer)
      if (finalMessage === undefined) socket.destroy()
      else socket.end(finalMessage, () => socket.destroy())
      // After the exchange in progress, if any: roll back what the connection left open.
      work = work.then(giveBack).finally(forget)
    }
    return work
  }

  async function giveBack(): Promise<void> {
    const client = held
    if (client === undefined) return
    held = undefined
    try {
      // Ends a COPY or extended exchange left half-done (both are ignored otherwise), then the transaction.
      await client.execProtocolRaw(copyFailAndSync())
      if (client.isInTransaction()) await client.query('rollback')
    } catch (error) {
      options.log.warn({ error }, 'served embedded database: could not roll back a closed connection')
    } finally {
      client.release()
    }
  }

  async function run(messages: Buffer): Promise<void> {
    clearTimeout(idleTimer)
    if (closed) return
    let client = held
    if (client === undefined) {
      try {
        client = await pglite.connect()
      } catch {
        const busy = errorResponse('ERROR', '53300', 'the embedded database had no free turn in time')
        if (!closed) socket.write(Buffer.concat([busy, readyForQuery('I')]))
        return
      }
      held = client
      if (closed) return
    }
    let answer: Uint8Array
    try {
      answer = await client.execProtocolRaw(messages)
    } catch (error) {
      options.log.warn({ error }, 'served embedded database: an exchange failed; closing its connection')
      void close(errorResponse('FATAL', 'XX000', 'the embedded database failed this exchange'))
      return
    }
    const status = finalTransactionStatus(answer)
    if (status === undefined) {
      void close(errorResponse('FATAL', '0A000', 'COPY is not supported by the served embedded database'))
      return
    }
    if (!closed) socket.write(answer)
    if (status === 'I') {
      held = undefined
      client.release()
      return
    }
    idleTimer = setTimeout(() => {
      options.log.warn(
        { idle_ms: options.transactionIdleTimeoutMs },
        'served embedded database: closed a connection idle in a transaction',
      )
      void close(errorResponse('FATAL', '25P03', 'terminating connection due to idle-in-transaction timeout'))
    }, options.transactionIdleTimeoutMs)
  }

  function submit(messages: Buffer): void {
    if (pending >= MAX_PENDING_EXCHANGES) {
      void close(errorResponse('FATAL', '54000', 'too many exchanges sent ahead of their answers'))
      return
    }
    pending += 1
    work = work
      .then(() => run(messages))
      .catch((error: unknown) => {
        // Never a rejected chain: the roll-back queued behind it must still run.
        options.log.warn({ error }, 'served embedded database: an exchange failed unexpectedly')
        void close()
      })
      .finally(() => (pending -= 1))
  }

  /** Start-up phase (§55.2.1): encryption requests are declined, a cancel is read and ignored. */
  function start(message: Buffer): void {
    const code = message.readInt32BE(4)
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      socket.write('N')
      return
    }
    // PGlite runs a statement on the primary's thread: nothing can interrupt it, so a cancel is dropped
    // and the client's query_timeout bounds the wait instead.
    if (code === CANCEL_REQUEST_CODE) return void close()
    if (code !== PROTOCOL_3_0) {
      return void close(errorResponse('FATAL', '0A000', 'unsupported frontend protocol'))
    }
    if (refused) return void close(errorResponse('FATAL', '53300', 'sorry, too many clients already'))
    const unsupported = [...readStartupParameters(message).entries()].find(
      ([name, value]) =>
        !ACCEPTED_PARAMETERS.has(name) || (name === 'client_encoding' && !/^utf-?8$/i.test(value)),
    )
    if (unsupported !== undefined) {
      const text = `start-up parameter "${unsupported[0]}" is not supported: the embedded database's one session is shared`
      return void close(errorResponse('FATAL', '0A000', text))
    }
    started = true
    socket.setTimeout(0)
    socket.write(
      Buffer.concat([context.greeting, backendKeyData(randomInt(1, 2 ** 31), 0), readyForQuery('I')]),
    )
  }

  function accept(type: string, message: Buffer): void {
    if (type === 'X') return void close()
    if (REFUSED_MESSAGES.has(type)) {
      return void close(
        errorResponse('FATAL', '0A000', `message '${type}' is not supported by the served embedded database`),
      )
    }
    // A named statement would live in the shared session, where another connection's name could clash.
    if (type === 'P' && parseStatementName(message) !== '') {
      return void close(errorResponse('FATAL', '0A000', 'named prepared statements are not supported'))
    }
    exchange.push(message)
    exchangeBytes += message.length
    if (exchangeBytes > MAX_MESSAGE_BYTES) {
      return void close(errorResponse('FATAL', '54000', 'exchange too large'))
    }
    if (!EXCHANGE_ENDS.has(type)) return
    const messages = Buffer.concat(exchange)
    exchange = []
    exchangeBytes = 0
    submit(messages)
  }

  // A connection that never completes its start-up does not keep a slot.
  socket.setTimeout(STARTUP_TIMEOUT_MS, () => void close())
  socket.on('data', (chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
    try {
      while (!closed) {
        const frame = readFrame(buffer, !started, MAX_MESSAGE_BYTES)
        if (frame === undefined) break
        buffer = buffer.subarray(frame.bytes.length)
        if (started) accept(frame.type, Buffer.from(frame.bytes))
        else start(frame.bytes)
      }
    } catch (error) {
      void close(errorResponse('FATAL', '08P01', (error as Error).message))
    }
  })
  // A client gone mid-transaction (killed, or its pool discarded the connection) is rolled back.
  socket.on('error', () => void close())
  socket.on('close', () => void close())
  return { close: () => close(errorResponse('FATAL', '57P01', 'the embedded database is shutting down')) }
}
