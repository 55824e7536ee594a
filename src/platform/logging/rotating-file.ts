// The log file (LOG_FILE): appended asynchronously, rotated by size and/or at midnight UTC by renaming
// path -> path.1 -> path.2 … (LOG_FILE_KEEP kept), and reopened on demand (SIGUSR2, after an external
// logrotate moved it). One process per machine writes it, so a rotation sits exactly between two lines: the
// stream that had the file finishes writing what it accepted into it (its descriptor follows the renames),
// and a new stream on a new file, opened synchronously, takes every line after.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import pino from 'pino'
import type { LogFileConfig } from '../config/groups/logging.ts'

export interface RotatingFile {
  /** Appends whole lines (callers never pass part of a line). */
  write(chunk: string): boolean
  /** Opens the path again, as a new file: after an external tool moved the file away. */
  reopen(): void
  /** Writes out what is buffered, synchronously: before the process exits. */
  flushSync(): void
  /** Resolves once the file's stream has written out what it had buffered (after a write returned false). */
  whenDrained(): Promise<void>
}

type Stream = ReturnType<typeof pino.destination>

const DAY_MS = 86_400_000

/** Opens (creating directories) `config.path` for appending. `now` is the clock, for tests. */
export function openRotatingFile(config: LogFileConfig, now: () => number = Date.now): RotatingFile {
  mkdirSync(dirname(config.path), { recursive: true })
  let stream = openStream(config.path)
  let size = sizeOf(config.path)
  let nextDayAt = nextMidnightUtc(now())
  /** Streams of files already rotated away, still writing what they accepted. */
  const finishing = new Set<Stream>()

  function switchFile(rename: () => void): void {
    const previous = stream
    finishing.add(previous)
    previous.once('close', () => finishing.delete(previous))
    previous.end()
    rename()
    stream = openStream(config.path)
    size = sizeOf(config.path)
  }

  function rotate(): void {
    switchFile(() => {
      rmSync(`${config.path}.${config.keep}`, { force: true })
      for (let index = config.keep - 1; index >= 1; index -= 1)
        renameIfPresent(`${config.path}.${index}`, `${config.path}.${index + 1}`)
      renameIfPresent(config.path, `${config.path}.1`)
    })
  }

  function write(chunk: string): boolean {
    const bytes = Buffer.byteLength(chunk)
    const tooBig = config.maxBytes !== undefined && size > 0 && size + bytes > config.maxBytes
    // Several lines at once (a worker's batch) that would pass the limit: one at a time, so that the cut
    // falls between the right two lines. Only on this path, which ends in a rotation.
    const end = chunk.indexOf('\n')
    if (tooBig && end !== -1 && end < chunk.length - 1) {
      write(chunk.slice(0, end + 1))
      return write(chunk.slice(end + 1))
    }
    const newDay = config.daily && now() >= nextDayAt
    if (newDay) nextDayAt = nextMidnightUtc(now())
    if (tooBig || newDay) rotate()
    size += bytes
    return stream.write(chunk)
  }

  return {
    write,
    reopen() {
      switchFile(() => undefined)
    },
    flushSync() {
      for (const each of finishing) flushFinishing(each)
      stream.flushSync()
    },
    // The stream of now: one rotated away meanwhile ends, which also settles the wait.
    whenDrained: () => drainOf(stream),
  }
}

/** A stream on a file opened now (synchronously), so that a rename right after cannot race its open. */
function openStream(path: string): Stream {
  const fd = openSync(path, 'a')
  try {
    return pino.destination({ fd, sync: false })
  } catch (error) {
    closeSync(fd)
    throw error
  }
}

/** Resolves at the stream's next 'drain' (its buffer written out) or 'close'. */
export function drainOf(stream: Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    stream.once('drain', done)
    stream.once('close', done)
  })
}

/** A stream being ended may have closed its file meanwhile: then it has written everything. */
function flushFinishing(stream: Stream): void {
  try {
    stream.flushSync()
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('destroyed')) throw error
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
}

function nextMidnightUtc(at: number): number {
  return (Math.floor(at / DAY_MS) + 1) * DAY_MS
}
