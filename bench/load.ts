// The load generator, run by bench/run.ts as its own process on its own core: a warm-up that is
// discarded, then the measured window. It reports to the parent over IPC, so the parent can read the
// server's CPU time exactly when the measured window starts and ends.
import { createRequire } from 'node:module'
import { findCreatedPlanProblem } from './plans.ts'
import type { ExpectedBody } from './responses.ts'

export interface LoadJob {
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body: string | undefined
  /** Every response must have this status; any other is counted in wrongStatus. */
  expectStatus: number
  /** Every response body must be this; a different one counts as a mismatch. */
  expectBody: ExpectedBody
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
  wrongStatus: number
  errors: number
  timeouts: number
  mismatches: number
  durationS: number
  warmup: { requestsTotal: number; wrongStatus: number; errors: number; mismatches: number }
}

export type LoadMessage = { type: 'measuring' } | { type: 'result'; result: LoadResult }

// autocannon ships no types; these are the options and result fields used here (autocannon 9).
interface AutocannonOptions {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
  expectBody?: string
  verifyBody?: (body: string) => boolean
  connections: number
  pipelining: number
  duration: number
}
interface AutocannonResult {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number; max: number }
  statusCodeStats: Record<string, { count: number }>
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

/** autocannon compares exact text itself; a created plan has a new id each time, so it is parsed instead. */
function bodyOptions(expected: ExpectedBody): Pick<AutocannonOptions, 'expectBody' | 'verifyBody'> {
  if (expected.kind === 'exact') return { expectBody: expected.text }
  return { verifyBody: (body) => findCreatedPlanProblem(body) === undefined }
}

function fire(job: LoadJob, durationS: number): Promise<AutocannonResult> {
  const { url, method, headers, body, connections } = job
  const options: AutocannonOptions = {
    url,
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    ...bodyOptions(job.expectBody),
    connections,
    pipelining: 1,
    duration: durationS,
  }
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => {
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

function countWrongStatus(result: AutocannonResult, expected: number): number {
  return Object.entries(result.statusCodeStats)
    .filter(([status]) => Number(status) !== expected)
    .reduce((sum, [, { count }]) => sum + count, 0)
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
    wrongStatus: countWrongStatus(measured, job.expectStatus),
    errors: measured.errors,
    timeouts: measured.timeouts,
    mismatches: measured.mismatches,
    durationS: measured.duration,
    warmup: {
      requestsTotal: warmup.requests.total,
      wrongStatus: countWrongStatus(warmup, job.expectStatus),
      errors: warmup.errors,
      mismatches: warmup.mismatches,
    },
  },
})
process.disconnect()
