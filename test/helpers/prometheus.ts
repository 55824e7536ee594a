// Debian's Prometheus for tests: promtool runs, and a real Prometheus server on loopback that scrapes a
// test's server and answers its HTTP API. Missing binaries fail the test with the package to install.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from './postgres-cluster.ts'
import { stopAfterTest } from './server-process.ts'

const INSTALL = 'install it with `apt-get install prometheus` (Debian ships promtool in the same package)'

/** Runs promtool to its end (bounded by 30 s); a missing promtool throws naming the package. */
export function runPromtool(args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 30_000 })
  if (run.error !== undefined && 'code' in run.error && run.error.code === 'ENOENT')
    throw new Error(`promtool is not on PATH: ${INSTALL}`)
  if (run.error !== undefined) throw run.error
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

/** One series of an instant query's answer. */
export interface PromSample {
  metric: Record<string, string>
  value: number
}

/** A rule as GET /api/v1/rules reports it (the fields the tests read). */
export interface PromRule {
  name: string
  type: 'alerting' | 'recording'
  query: string
  health: string
  lastError?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

export interface PrometheusProcess {
  url: string
  /** An instant query; rejects with Prometheus's error for a query it refuses. */
  query(expr: string): Promise<PromSample[]>
  /** Every rule of every loaded group. */
  rules(): Promise<PromRule[]>
}

interface ApiAnswer<T> {
  status: 'success' | 'error'
  data: T
  error?: string
}

async function getApi<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
  const answer = (await response.json()) as ApiAnswer<T>
  if (answer.status !== 'success') throw new Error(`${url}: ${answer.error ?? response.status}`)
  return answer.data
}

/**
 * Starts Prometheus on a free loopback port with `files` (name → text; `prometheus.yml` is the
 * configuration) in a temporary directory that also holds its TSDB; resolves once it is ready. Stopped
 * (SIGTERM, then SIGKILL after 5 s) and the directory removed in `t.after`.
 */
export async function startPrometheus(
  t: TestContext,
  files: Record<string, string>,
): Promise<PrometheusProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'bulwark-prometheus-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o600 })
  const port = await freePort()
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const spawned = once(child, 'spawn').catch((error: unknown) => {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT'
    throw missing ? new Error(`prometheus is not on PATH: ${INSTALL}`, { cause: error }) : error
  })
  const exited = once(child, 'exit').catch(() => undefined)
  await spawned
  stopAfterTest(t, child, exited)
  const url = `http://127.0.0.1:${port}`
  await untilReady(
    url,
    () => child.exitCode !== null,
    () => stderr,
  )
  return {
    url,
    query: async (expr) => {
      const data = await getApi<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
        `${url}/api/v1/query?query=${encodeURIComponent(expr)}`,
      )
      return data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }))
    },
    rules: async () => {
      const data = await getApi<{ groups: { rules: PromRule[] }[] }>(`${url}/api/v1/rules`)
      return data.groups.flatMap((group) => group.rules)
    },
  }
}

async function untilReady(url: string, hasExited: () => boolean, stderr: () => string): Promise<void> {
  const deadline = performance.now() + 20_000
  while (performance.now() < deadline) {
    if (hasExited()) throw new Error(`prometheus exited at start: ${stderr()}`)
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) return
    await sleep(100)
  }
  throw new Error(`prometheus not ready within 20 s: ${stderr()}`)
}
