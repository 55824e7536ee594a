// One process per embedded database: PGlite keeps its state in memory and writes it back to DATA_DIR, so
// two processes on one directory each see their own data and the last to close wins (acknowledged rows
// vanish). A lock file with the holder's pid and start time keeps a second process out; a lock left by a
// process that is gone (crash, SIGKILL, a container restarted as pid 1 again) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync, ftruncateSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'

export const LOCK_FILE = 'bulwark.lock'

/** What the lock file records about its holder. */
export interface LockHolder {
  pid: number
  host: string
  /** The holder's start time in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
  startTicks: string | undefined
  /** Set by a server once it listens, so another command can say where to reach it. */
  url?: string
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError'
  readonly holder: LockHolder
  constructor(dataDir: string, holder: LockHolder) {
    super(
      `DATA_DIR ${dataDir} is in use by another Bulwark process (pid ${holder.pid}` +
        `${holder.url === undefined ? '' : `, serving ${holder.url}`}): stop it first, or set DATA_DIR to another directory`,
    )
    this.holder = holder
  }
}

export interface DataDirLock {
  /** Records the server's address in the lock for other commands' messages. */
  setUrl(url: string): void
  release(): void
}

/** Directories this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>()

/** Takes the lock on dataDir, or throws DataDirLockedError naming the live holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE)
  const me: LockHolder = { pid: process.pid, host: hostname(), startTicks: startTicksOf(process.pid) }
  let fd = tryCreate(path)
  if (fd === undefined) {
    const holder = readHolder(path)
    if (holder !== undefined && isAlive(holder, path)) throw new DataDirLockedError(dataDir, holder)
    // The holder is gone: its lock is stale. A racing process that also saw it stale loses at tryCreate.
    unlinkSync(path)
    fd = tryCreate(path)
    if (fd === undefined) {
      const winner = readHolder(path)
      throw new DataDirLockedError(dataDir, winner ?? { pid: 0, host: '?', startTicks: undefined })
    }
  }
  const lockFd = fd
  heldHere.add(path)
  const write = (holder: LockHolder) => {
    ftruncateSync(lockFd, 0)
    writeSync(lockFd, JSON.stringify(holder), 0)
  }
  write(me)
  let released = false
  const release = () => {
    if (released) return
    released = true
    heldHere.delete(path)
    process.removeListener('exit', release)
    closeSync(lockFd)
    unlinkSync(path)
  }
  // A process that exits without closing (an uncaught error, process.exit) still frees the directory.
  process.on('exit', release)
  return { setUrl: (url) => write({ ...me, url }), release }
}

function tryCreate(path: string): number | undefined {
  try {
    return openSync(path, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined
    throw error
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>
    if (typeof parsed.pid !== 'number') return undefined
    return {
      pid: parsed.pid,
      host: typeof parsed.host === 'string' ? parsed.host : '?',
      startTicks: typeof parsed.startTicks === 'string' ? parsed.startTicks : undefined,
      ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}),
    }
  } catch (error) {
    // Empty or torn (the holder died between creating and writing it), or already removed: not a holder.
    if (error instanceof SyntaxError || (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Whether the process that wrote the lock still runs (on this host; another host's lock is trusted). */
function isAlive(holder: LockHolder, path: string): boolean {
  if (holder.host !== hostname()) return true
  if (holder.pid === process.pid) return heldHere.has(path)
  try {
    process.kill(holder.pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  // The pid is taken; by the holder only if it started when the holder did.
  const ticks = startTicksOf(holder.pid)
  return holder.startTicks === undefined || ticks === undefined || ticks === holder.startTicks
}

/** Field 22 of /proc/PID/stat (start time); undefined where /proc is not there. */
function startTicksOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
