// The primary's embedded database served to its workers: PostgreSQL's wire protocol on a private Unix
// socket, so a worker uses pg exactly as with PostgreSQL. PGlite has one session, so the connections
// take turns on it: a turn is one client exchange up to Sync or a simple Query, and a connection that
// leaves a transaction open keeps the session until it ends it (its statements can never interleave with
// another's). The turn is the embedded pool's one client, so the primary's own queries take turns too.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { randomInt } from 'node:crypto'
import type { Database } from './database.ts'
import type { PgliteClient, PglitePool } from './pglite-pool.ts'
import {
  backendKeyData,
  CANCEL_REQUEST_CODE,
  copyFailAndSync,
  errorResponse,
  finalTransactionStatus,
  GSSENC_REQUEST_CODE,
  keepMessages,
  parseStatementName,
  PROTOCOL_3_0,
  readFrame,
  readStartupParameters,
  readyForQuery,
  SSL_REQUEST_CODE,
  startupMessage,
} from './pglite-wire.ts'

/** pg looks for `<host>/.s.PGSQL.<port>`; the default port keeps the URL short. */
const SOCKET_NAME = '.s.PGSQL.5432'
/** sun_path holds 108 bytes on Linux (104 on macOS): a longer DATA_DIR gets a directory under /tmp. */
const MAX_SOCKET_PATH = 100
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
/** What the backend's start-up answer keeps: authentication and parameter statuses (not its key or status). */
const STARTUP_KEPT = new Set(['R', 'S'])

export interface ServedPgliteLogger {
  info(details: object, message: string): void
  warn(details: object, message: string): void
}

export interface ServePgliteOptions {
  /** DATA_DIR: the socket goes in `<DATA_DIR>/bulwark-socket/` (0700), or in a new /tmp directory for memory://. */
  dataDir: string
  /** Connections accepted at once; more are refused with 53300. See planServedConnections. */
  maxConnections: number
  /** A connection that holds a transaction open and sends nothing for this long is closed and rolled back. */
  transactionIdleTimeoutMs: number
  log: ServedPgliteLogger
}

export interface ServedPglite {
  /** The connection string a worker passes to createServedPgliteDatabase (a pg URL naming the socket). */
  url: string
  /** Stops accepting, closes every connection (rolling back what they left open) and removes the socket. */
  close(): Promise<void>
}

/** The pool size per worker and the server's connection limit for a fleet on the embedded database. */
export interface ServedConnectionPlan {
  poolMaxPerWorker: number
  maxConnections: number
}

/**
 * Each worker keeps DB_POOL_MAX connections; the server accepts one worker's pool more than the fleet
 * holds, for a replacement worker that starts while the one it replaces still drains.
 */
export function planServedConnections(input: { workers: number; poolMax: number }): ServedConnectionPlan {
  return { poolMaxPerWorker: input.poolMax, maxConnections: input.poolMax * (input.workers + 1) }
}

/**
 * Serves the already-opened and prepared embedded database on a private Unix socket. Rejects for a
 * database that is not embedded PGlite, or when a socket is in the way and DATA_DIR's lock is not ours.
 */
export async function servePglite(database: Database, options: ServePgliteOptions): Promise<ServedPglite> {
  const pglite = database.pglite
  if (pglite === undefined) throw new Error('servePglite serves embedded PGlite only')
  const directory = prepareSocketDirectory(options, database.dataDirLock !== undefined)
  const socketPath = join(directory.path, SOCKET_NAME)
  const greeting = await readGreeting(pglite)
  const connections = new Set<ServedConnection>()
  const context: ConnectionContext = { pglite, greeting, options }
  const server = createServer((socket) => {
    // Past the limit, the connection is refused once it has said who it is (as PostgreSQL does).
    const refused = connections.size >= options.maxConnections
    const connection = serveConnection(socket, context, refused, () => connections.delete(connection))
    if (!refused) connections.add(connection)
  })
  try {
    await listen(server, socketPath)
    chmodSync(socketPath, 0o600)
  } catch (error) {
    directory.remove()
    throw error
  }
  let closing: Promise<void> | undefined
  options.log.info(
    { socket: socketPath, max_connections: options.maxConnections },
    'embedded database served',
  )
  return {
    // pg takes the `host` parameter over the URL's host name, and a directory there means its socket.
    url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(directory.path)}`,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((done) => server.close(() => done()))
        const finished = [...connections].map((connection) => connection.close('shutdown'))
        await Promise.all([closed, ...finished])
        directory.remove()
      })()
      return closing
    },
  }
}

interface SocketDirectory {
  path: string
  remove(): void
}

/** The socket's directory, private to this user; a stale socket is removed only under our DATA_DIR lock. */
function prepareSocketDirectory(options: ServePgliteOptions, holdsLock: boolean): SocketDirectory {
  const temporary = (): SocketDirectory => {
    const path = mkdtempSync(join(tmpdir(), 'bulwark-pglite-'))
    return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
  }
  if (options.dataDir.startsWith('memory://')) return temporary()
  const path = join(resolve(options.dataDir), 'bulwark-socket')
  if (join(path, SOCKET_NAME).length > MAX_SOCKET_PATH) {
    options.log.info(
      { data_dir: options.dataDir },
      'DATA_DIR is too long a path for a socket: serving under /tmp',
    )
    return temporary()
  }
  mkdirSync(path, { recursive: true, mode: 0o700 })
  const stat = lstatSync(path)
  if (!stat.isDirectory() || stat.uid !== process.getuid?.()) {
    throw new Error(`${path} must be a directory owned by this user`)
  }
  chmodSync(path, 0o700)
  const socketPath = join(path, SOCKET_NAME)
  if (lstatSync(socketPath, { throwIfNoEntry: false }) !== undefined) {
    // Left by a primary that was killed: ours to remove only while DATA_DIR's lock says we own the data.
    if (!holdsLock) throw new Error(`${socketPath} exists and DATA_DIR's lock is not held by this process`)
    unlinkSync(socketPath)
  }
  return { path, remove: () => rmSync(socketPath, { force: true }) }
}

/** PGlite's answer to a start-up, minus its key and status: the same for every connection. */
async function readGreeting(pglite: PglitePool): Promise<Buffer> {
  const client = await pglite.connect()
  try {
    const answer = await client.execProtocolRaw(startupMessage({ user: 'postgres', database: 'postgres' }))
    return keepMessages(answer, STARTUP_KEPT)
  } finally {
    client.release()
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(path, () => {
      server.off('error', fail)
      done()
    })
  })
}

interface ConnectionContext {
  pglite: PglitePool
  greeting: Buffer
  options: ServePgliteOptions
}

interface ServedConnection {
  /** Closes the socket; resolves once what the connection left open on the session is rolled back. */
  close(reason: 'shutdown'): Promise<void>
}

/** One client connection: start-up, then its exchanges, each run in a turn on the shared session. */
function serveConnection(
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
