// The load generator, run by bench/run.ts as its own process on its own core: a warm-up that is
// discarded, then the measured window. It reports to the parent over IPC, so the parent can read the
// server's CPU time exactly when the measured window starts and ends.
import { createRequire } from 'node:module'

export interface LoadJob {
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body: string | undefined
  /** Every response body must equal this text; a different one counts as a mismatch. */
  expectBody: string
  connections: number
  warmupS: number
  durationS: number
}

export interface LoadResult {
  requestsPerS: number
  requestsTotal: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  non2xx: number
  errors: number
  timeouts: number
  mismatches: number
  durationS: number
  warmup: { requestsTotal: number; non2xx: number; errors: number; mismatches: number }
}

export type LoadMessage = { type: 'measuring' } | { type: 'result'; result: LoadResult }

// autocannon ships no types; these are the options and result fields used here (autocannon 9).
interface AutocannonOptions {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
  expectBody: string
  connections: number
  pipelining: number
  duration: number
}
interface AutocannonResult {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number; max: number }
  non2xx: number
  errors: number
  timeouts: number
  mismatches: number
  duration: number
}
type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => void

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

function fire(job: LoadJob, durationS: number): Promise<AutocannonResult> {
  const { url, method, headers, body, expectBody, connections } = job
  const options = { url, method, headers, expectBody, connections, pipelining: 1, duration: durationS }
  return new Promise((resolve, reject) => {
    autocannon(body === undefined ? options : { ...options, body }, (error, result) => {
      if (error === null) resolve(result)
      else reject(error)
    })
  })
}

function send(message: LoadMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined) throw new Error('bench/load.ts must be started by bench/run.ts (IPC)')
    process.send(message, undefined, {}, (error) => (error === null ? resolve() : reject(error)))
  })
}

const job = JSON.parse(process.argv[2] ?? '') as LoadJob
const warmup = await fire(job, job.warmupS)
await send({ type: 'measuring' })
const measured = await fire(job, job.durationS)
await send({
  type: 'result',
  result: {
    requestsPerS: measured.requests.average,
    requestsTotal: measured.requests.total,
    p50Ms: measured.latency.p50,
    p99Ms: measured.latency.p99,
    maxMs: measured.latency.max,
    non2xx: measured.non2xx,
    errors: measured.errors,
    timeouts: measured.timeouts,
    mismatches: measured.mismatches,
    durationS: measured.duration,
    warmup: {
      requestsTotal: warmup.requests.total,
      non2xx: warmup.non2xx,
      errors: warmup.errors,
      mismatches: warmup.mismatches,
    },
  },
})
process.disconnect()
