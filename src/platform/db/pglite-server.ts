// The primary's embedded database served to its workers: PostgreSQL's wire protocol on a private Unix
// socket, so a worker uses pg exactly as with PostgreSQL. PGlite has one session, so the connections
// take turns on it: a turn is one client exchange up to Sync or a simple Query, and a connection that
// leaves a transaction open keeps the session until it ends it (its statements can never interleave with
// another's). The turn is the embedded pool's one client, so the primary's own queries take turns too.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Database } from './database.ts'
import { serveConnection, type ConnectionContext, type ServedConnection } from './pglite-connection.ts'
import type { PglitePool } from './pglite-pool.ts'
import { keepMessages, startupMessage } from './pglite-wire.ts'

/** pg looks for `<host>/.s.PGSQL.<port>`; the default port keeps the URL short. */
const SOCKET_NAME = '.s.PGSQL.5432'
/** sun_path holds 108 bytes on Linux (104 on macOS): a longer DATA_DIR gets a directory under /tmp. */
const MAX_SOCKET_PATH = 100
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
