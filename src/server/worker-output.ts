// With LOG_FILE and several workers, the primary is the one writer of the file: each worker's stdout is a
// pipe to it (cluster's `silent`), and it writes the workers' lines, whole, where its own go (stdout and/or
// the file). Lines are cut at newlines per worker, so two workers' lines never interleave mid-line, and the
// file is rotated by the only process that has it open. stderr is passed through untouched.
import type { Cluster, Worker } from 'node:cluster'

/** How long the primary waits, at exit, for its workers' last lines to arrive through the pipes. */
const DRAIN_TIMEOUT_MS = 2000

export interface WorkerOutput {
  /** Resolves once every worker's stdout has ended (each worker has exited), or after two seconds. */
  drained(): Promise<void>
}

/** Where the workers' lines go: the primary's own log (logger.ts ProcessLogger). */
export interface LineSink {
  /** false: behind; the worker's pipe is paused until `whenWritable` resolves. */
  writeLines(lines: string): boolean
  whenWritable(): Promise<void>
}

/** A backlog that never drains (a destination gone) must not stop a worker's output for good. */
const RESUME_AFTER_MS = 1000

/**
 * Forks from now on pipe their output to this process, which hands whole lines to `sink`. While the sink is
 * behind, the worker's pipe is paused, so a slow disk holds lines back in the worker (and its pipe) rather
 * than growing this process's buffers without bound.
 */
export function collectWorkerOutput(
  cluster: Cluster,
  sink: LineSink,
  log: { warn(details: object, message: string): void },
): WorkerOutput {
  cluster.setupPrimary({ silent: true })
  const open = new Set<Promise<void>>()
  cluster.on('fork', (worker: Worker) => {
    worker.process.stderr?.pipe(process.stderr, { end: false })
    const stdout = worker.process.stdout
    if (stdout === null || stdout === undefined) return
    stdout.setEncoding('utf8')
    let partial = ''
    stdout.on('data', (chunk: string) => {
      const end = chunk.lastIndexOf('\n')
      if (end === -1) {
        partial += chunk
        return
      }
      const writable = sink.writeLines(partial + chunk.slice(0, end + 1))
      partial = chunk.slice(end + 1)
      if (writable) return
      stdout.pause()
      const guard = setTimeout(() => stdout.resume(), RESUME_AFTER_MS)
      void sink.whenWritable().then(() => {
        clearTimeout(guard)
        stdout.resume()
      })
    })
    const ended = new Promise<void>((resolve) => {
      stdout.once('close', () => {
        if (partial !== '') sink.writeLines(`${partial}\n`)
        open.delete(ended)
        resolve()
      })
    })
    open.add(ended)
  })
  return {
    async drained() {
      let timer: NodeJS.Timeout | undefined
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)
      })
      const all = Promise.all(open).then(() => true)
      if (!(await Promise.race([all, bound.then(() => false)]))) {
        log.warn({ workers: open.size }, 'worker output not drained: their last lines may be missing')
      }
      clearTimeout(timer)
    },
  }
}
