// Child processes of the benchmark: each pinned to one core, and every one of them killed when the
// benchmark exits, normally, on an error or on a signal.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { createServer } from 'node:net'
import { constants } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Pinned {
  child: ChildProcess
  pid: number
  /** Settles (never rejects) when the process has exited or could not start, with a description. */
  exited: Promise<string>
  /** The last few KB the process wrote to stderr, for error messages. */
  stderrTail(): string
}

export interface PinnedOptions {
  /** The core, or cores, the process may run on. */
  core: number | readonly number[]
  /** Arguments to this Node binary (the child runs the same Node as the benchmark). */
  args: string[]
  cwd: string
  env: Record<string, string>
  /** Where stdout goes: discarded, or an open file descriptor (never an undrained pipe). */
  stdout: 'ignore' | number
  ipc?: boolean
}

const STDERR_TAIL_BYTES = 4096
const live = new Set<ChildProcess>()

export function spawnPinned(options: PinnedOptions): Pinned {
  const stdio: StdioOptions = [
    'ignore',
    options.stdout,
    'pipe',
    ...(options.ipc === true ? ['ipc' as const] : []),
  ]
  // taskset execs the command, so the pid is the Node process itself.
  const cores = typeof options.core === 'number' ? String(options.core) : options.core.join(',')
  const child = spawn('taskset', ['-c', cores, process.execPath, ...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio,
  })
  live.add(child)
  let tail = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_BYTES)
  })
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not start: ${error.message}`))
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code ?? '?'}`}`))
  })
  void exited.then(() => live.delete(child))
  if (child.pid === undefined) throw new Error(`could not spawn ${options.args.join(' ')}`)
  return { child, pid: child.pid, exited, stderrTail: () => tail }
}

/** SIGTERM, then SIGKILL if the process has not exited after graceMs. */
export async function stopProcess(pinned: Pinned, graceMs = 10_000): Promise<void> {
  if (pinned.child.exitCode !== null || pinned.child.signalCode !== null) return
  pinned.child.kill('SIGTERM')
  const timer = sleep(graceMs, 'timeout' as const, { ref: false })
  if ((await Promise.race([pinned.exited, timer])) === 'timeout') {
    pinned.child.kill('SIGKILL')
    await pinned.exited
  }
}

function killAll() {
  for (const child of live) child.kill('SIGKILL')
}

/** Kills every child still running when the benchmark exits or is interrupted. */
export function installCleanup() {
  process.on('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll()
      process.exit(128 + constants.signals[signal])
    })
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}
