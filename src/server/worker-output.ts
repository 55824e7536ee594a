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

/** Forks from now on pipe their output to this process; `writeLines` receives whole lines. */
export function collectWorkerOutput(cluster: Cluster, writeLines: (lines: string) => void): WorkerOutput {
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
      writeLines(partial + chunk.slice(0, end + 1))
      partial = chunk.slice(end + 1)
    })
    const ended = new Promise<void>((resolve) => {
      stdout.once('close', () => {
        if (partial !== '') writeLines(`${partial}\n`)
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
      await Promise.race([Promise.all(open), bound])
      clearTimeout(timer)
    },
  }
}
