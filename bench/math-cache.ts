// What the cache service buys on /math/evaluate: Bulwark W=1 as shipped answers the same expression (a hit
// after the first request) and then a different expression on every request (a miss each time: the
// evaluation plus storing the result), side by side in one run. The server is pinned as in the main
// windows; the load runs in the benchmark's own process, unpinned, so compare the two rows with each other.
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import { findFreePort, spawnPinned, stopProcess } from './processes.ts'
import type { Target } from './targets.ts'

const PATH = '/api/v1/math/evaluate'
const EXPRESSION = 'det([[4, 2, 3], [1, 5, 7], [2, 8, 6]]) * sqrt(16) + sum([1, 2, 3, 4, 5]) / 7'
const CONNECTIONS = 50

export interface MathCacheResult {
  cached: { requestsPerS: number; p99Ms: number }
  uncached: { requestsPerS: number; p99Ms: number }
  /** cached / uncached requests per second. */
  ratio: number
}

interface AutocannonResult {
  requests: { average: number }
  latency: { p99: number }
  non2xx: number
  errors: number
}
type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => void
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

function fire(options: Record<string, unknown>): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => {
      if (error === null) resolve(result)
      else reject(error)
    })
  })
}

async function waitUntilLive(baseUrl: string, exited: Promise<string>): Promise<void> {
  let exit: string | undefined
  void exited.then((description) => (exit = description))
  const deadline = performance.now() + 20_000
  while (performance.now() < deadline) {
    if (exit !== undefined) throw new Error(`server ${exit} before listening`)
    const live = await fetch(`${baseUrl}/health/live`).then(
      (response) => response.ok,
      () => false,
    )
    if (live) return
    await sleep(100)
  }
  throw new Error(`server not listening at ${baseUrl}`)
}

/** One window of each kind on `target` (Bulwark W=1), `durationS` seconds after a 1 s warm-up each. */
export async function measureMathCache(
  root: string,
  target: Target,
  apiKey: string,
  durationS: number,
): Promise<MathCacheResult> {
  const port = await findFreePort()
  const baseUrl = `http://127.0.0.1:${String(port)}`
  const server = spawnPinned({
    core: target.cores,
    args: target.args,
    cwd: root,
    env: { ...target.env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdout: 'ignore',
  })
  try {
    await waitUntilLive(baseUrl, server.exited)
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }
    const common = { url: `${baseUrl}${PATH}`, method: 'POST', headers, connections: CONNECTIONS }
    const same = { ...common, body: JSON.stringify({ expression: EXPRESSION }) }
    let counter = 0
    // A new expression each time (the same work, one more term): never in the cache.
    const distinct = {
      ...common,
      requests: [
        {
          method: 'POST',
          path: PATH,
          setupRequest: (request: Record<string, unknown>) => ({
            ...request,
            body: JSON.stringify({ expression: `${EXPRESSION} + ${String(++counter)}` }),
          }),
        },
      ],
    }
    const measure = async (options: Record<string, unknown>, label: string) => {
      await fire({ ...options, duration: 1 })
      const result = await fire({ ...options, duration: durationS })
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(
          `math cache ${label}: ${String(result.non2xx)} non-2xx, ${String(result.errors)} errors`,
        )
      }
      return { requestsPerS: Math.round(result.requests.average), p99Ms: result.latency.p99 }
    }
    const cached = await measure(same, 'cached')
    const uncached = await measure(distinct, 'uncached')
    return { cached, uncached, ratio: Math.round((cached.requestsPerS / uncached.requestsPerS) * 100) / 100 }
  } finally {
    await stopProcess(server)
  }
}

export function formatMathCache(result: MathCacheResult): string {
  const line = (label: string, { requestsPerS, p99Ms }: { requestsPerS: number; p99Ms: number }) =>
    `  ${label.padEnd(36)} ${requestsPerS.toLocaleString('en-US').padStart(7)} req/s  p99 ${String(p99Ms)} ms`
  return [
    'Math cache (Bulwark W=1, POST /api/v1/math/evaluate, 50 connections):',
    line('same expression (cached)', result.cached),
    line('a new expression each request', result.uncached),
    `  cached / uncached: ${result.ratio.toFixed(2)}×`,
  ].join('\n')
}
