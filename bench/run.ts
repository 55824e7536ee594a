// `npm run bench`: bare node:http, minimal Fastify and Bulwark (WORKERS=1, and WORKERS=2) answer the same
// four requests on the same machine: the servers pinned to core 0 (Bulwark's two workers to cores 0 and 1),
// the load generator (bench/load.ts, its own process) to core 1. The servers take turns in rounds
// (bench/summary.ts takes the medians), so a drift of the machine's speed over minutes reaches all alike.
// After the load, reads each Bulwark process's RSS. Prints the tables and writes bench/results/latest.json.
// `--v8-defaults` adds Bulwark WORKERS=1 without the memory flags (src/server/memory-flags.ts), to price them;
// `--base DIR` adds Bulwark WORKERS=1 built from another commit into DIR, to measure a change in one run.
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs'
import { release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import { BENCH_DATABASE_NAME, dropBenchDatabase, openBenchDatabase, type BenchDatabase } from './database.ts'
import type { LoadJob } from './load.ts'
import * as measure from './measure.ts'
import { findFreePort, installCleanup, spawnPinned, stopProcess, type Pinned } from './processes.ts'
import type { ProcessMemory, ServerMemory } from './report.ts'
import * as report from './report.ts'
import { formatMathCache, measureMathCache } from './math-cache.ts'
import { checkAnswer, waitUntilListening, type ExpectedBody } from './responses.ts'
import { createScenarios, type Scenario, type ScenarioName } from './scenarios.ts'
import { computeRatios, findInvalid, summarize, type Row } from './summary.ts'
import {
  BENCH_REDIS_URL,
  BULWARK_TARGET_IDS,
  createApiKey,
  createBulwarkSecrets,
  createTargets,
  type Target,
} from './targets.ts'
import { measureWindow, type WindowPlace } from './window.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS_PATH = join(ROOT, 'bench/results/latest.json')
const PLACE: WindowPlace = { root: ROOT, serverCore: 0, loadCore: 1, databaseName: BENCH_DATABASE_NAME }
const CONNECTIONS = 50
const WARMUP_S = 2
/** How long a primary may take from listening to all its workers ready. */
const WORKERS_READY_TIMEOUT_MS = 60_000

// A fixed name per server: a log left by an interrupted run is replaced by the next one.
const logPath = (target: Target) => join(tmpdir(), `bulwark-bench-${target.id}-stdout.log`)

interface RunOptions {
  rounds: number
  warmupS: number
  durationS: number
  /** Also measure Bulwark WORKERS=1 with V8's default heap settings. */
  compareV8Defaults: boolean
  /** `--base DIR`: also Bulwark W=1 from a build of another commit (node scripts/build.ts DIR). */
  baseDist: string | undefined
}

function readWholeNumber(name: string, fallback: number, max: number): number {
  const text = process.env[name]
  const value = text === undefined ? fallback : Number(text)
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be a whole number from 1 to ${max}, not "${text}"`)
  }
  return value
}

const USAGE = `Usage: npm run bench -- [--quick] [--v8-defaults] [--base DIR]

Measures Bulwark against bare node:http and minimal Fastify on the same endpoints (docs/BENCHMARKS.md).
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and, for the
Redis target, Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379).

  --quick         one round of 3 s windows instead of BENCH_ROUNDS (3) of BENCH_DURATION_S (5) s
  --v8-defaults   also Bulwark W=1 without the memory flags of src/server/memory-flags.ts
  --base DIR      also Bulwark W=1 from another build (node scripts/build.ts DIR on another commit)
  -h, --help      this text
`

function readOptions(): RunOptions {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'v8-defaults': { type: 'boolean', default: false },
      base: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  const compareV8Defaults = values['v8-defaults']
  const baseDist = values.base
  if (values.quick) return { rounds: 1, warmupS: WARMUP_S, durationS: 3, compareV8Defaults, baseDist }
  return {
    compareV8Defaults,
    baseDist,
    rounds: readWholeNumber('BENCH_ROUNDS', 3, 20),
    warmupS: WARMUP_S,
    durationS: readWholeNumber('BENCH_DURATION_S', 5, 600),
  }
}

function readVersion(packageName: string): string {
  const path = join(ROOT, 'node_modules', packageName, 'package.json')
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version
}

function countLines(path: string): number {
  const content = readFileSync(path)
  let lines = 0
  for (let at = content.indexOf(10); at !== -1; at = content.indexOf(10, at + 1)) lines++
  return lines
}

interface Running {
  target: Target
  baseUrl: string
  server: Pinned
  /** Per scenario, what every response must be: fixed by the check before the server's first window. */
  expected: Map<ScenarioName, ExpectedBody>
  /** Per pid of the server's process tree, the highest VmRSS read after a window. */
  peakRssMb: Map<number, number>
}

/** Waits until a primary logs `listening` (all its workers ready), so no window starts with one missing. */
async function waitUntilWorkersReady(target: Target, server: Pinned) {
  const deadline = performance.now() + WORKERS_READY_TIMEOUT_MS
  const ready = (line: string) =>
    line.includes('"worker":"primary"') && line.includes('"message":"listening"')
  while (!readFileSync(logPath(target), 'utf8').split('\n').some(ready)) {
    if (server.child.exitCode !== null || server.child.signalCode !== null || performance.now() > deadline) {
      throw new Error(`${target.label}: its workers were not ready:\n${server.stderrTail()}`)
    }
    await sleep(100)
  }
}

/** Starts one server on its core(s) and waits until it answers (and all its workers are ready). */
async function startServer(target: Target, scenarios: readonly Scenario[]): Promise<Running> {
  const port = await findFreePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const stdout = target.logsToStdout ? openSync(logPath(target), 'w') : 'ignore'
  const env = { ...target.env, PORT: String(port) }
  const server = spawnPinned({ core: target.cores, args: target.args, cwd: ROOT, env, stdout })
  if (typeof stdout === 'number') closeSync(stdout)
  await waitUntilListening(baseUrl, scenarios[0]!, server)
  if (target.workers > 0) await waitUntilWorkersReady(target, server)
  return { target, baseUrl, server, expected: new Map(), peakRssMb: new Map() }
}

async function stopServer({ target, server }: Running) {
  await stopProcess(server)
  if (!target.logsToStdout) return
  const lines = countLines(logPath(target)).toLocaleString('en-US')
  console.log(`  ${target.label} wrote ${lines} log lines to stdout`)
  rmSync(logPath(target), { force: true })
}

const isBulwark = (target: Target) => (BULWARK_TARGET_IDS as readonly string[]).includes(target.id)

/** Keeps, per process of a Bulwark server, the highest RSS seen after a window. */
function notePeakRss(running: Running) {
  if (!isBulwark(running.target)) return
  for (const { pid, rssMb } of measure.readRssByProcess(running.server.pid)) {
    running.peakRssMb.set(pid, Math.max(rssMb, running.peakRssMb.get(pid) ?? 0))
  }
}

/** Every Bulwark process's RSS now, after the last window; a primary's children are its workers. */
function readMemory(running: Running): ServerMemory {
  const { target } = running
  const processes = measure
    .readRssByProcess(running.server.pid)
    .map(({ pid, rssMb }, index): ProcessMemory => ({
      role: target.workers === 0 ? 'process' : index === 0 ? 'primary' : 'worker',
      pid,
      rssAfterLoadMb: Math.round(rssMb * 10) / 10,
      peakRssMb: Math.round(Math.max(rssMb, running.peakRssMb.get(pid) ?? 0) * 10) / 10,
    }))
  return { target: target.id, label: target.label, processes }
}

/** Each round starts with the next server, so none is always measured first or last. */
const rotate = <T>(items: readonly T[], by: number): T[] =>
  items.map((_, index) => items[(index + by) % items.length]!)

function createJob(scenario: Scenario, running: Running, options: RunOptions): LoadJob {
  const expectBody = running.expected.get(scenario.name)
  if (expectBody === undefined) throw new Error(`${running.target.label} was not checked on ${scenario.name}`)
  return {
    url: `${running.baseUrl}${scenario.path}`,
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body,
    expectStatus: scenario.status,
    expectBody,
    connections: CONNECTIONS,
    warmupS: options.warmupS,
    durationS: options.durationS,
  }
}

function printWindow(row: Row, rounds: number) {
  const requestsPerS = Math.round(row.requestsPerS).toLocaleString('en-US')
  console.log(
    `  round ${row.round}/${rounds}  ${row.scenario.padEnd(12)}  ${row.label.padEnd(24)}  ` +
      `${requestsPerS.padStart(7)} req/s  p99 ${row.p99Ms} ms  others ${row.othersPercent.toFixed(0)} %`,
  )
}

/** Checks every server's answer, then runs the rounds: in each, every server gets one window. */
async function measureScenario(
  scenario: Scenario,
  servers: readonly Running[],
  database: BenchDatabase,
  options: RunOptions,
): Promise<Row[]> {
  for (const running of servers) {
    running.expected.set(scenario.name, await checkAnswer(running.baseUrl, scenario))
  }
  const rows: Row[] = []
  for (let round = 1; round <= options.rounds; round++) {
    for (const running of rotate(servers, round - 1)) {
      if (scenario.resetsPlans) await database.resetPlans()
      const measured = await measureWindow(PLACE, running.server, createJob(scenario, running, options))
      notePeakRss(running)
      const { id, label } = running.target
      const row = { target: id, label, scenario: scenario.name, round, ...measured }
      printWindow(row, options.rounds)
      rows.push(row)
    }
  }
  return rows
}

async function measureAll(
  database: BenchDatabase,
  targets: readonly Target[],
  scenarios: readonly Scenario[],
  options: RunOptions,
) {
  const servers: Running[] = []
  try {
    for (const target of targets) servers.push(await startServer(target, scenarios))
    const rows: Row[] = []
    for (const scenario of scenarios)
      rows.push(...(await measureScenario(scenario, servers, database, options)))
    const memory = servers.filter((running) => isBulwark(running.target)).map(readMemory)
    return { rows, memory }
  } finally {
    for (const running of servers) await stopServer(running)
  }
}

async function collectMeta(
  options: RunOptions,
  scenarios: readonly Scenario[],
  database: BenchDatabase,
  targets: readonly Target[],
): Promise<report.RunMeta> {
  const statistics = scenarios.find((scenario) => scenario.name === 'statistics')
  return {
    date: new Date().toISOString(),
    node: process.version,
    fastify: readVersion('fastify'),
    autocannon: readVersion('autocannon'),
    pg: readVersion('pg'),
    postgres: database.serverVersion,
    ...measure.describeMachine(),
    kernel: release(),
    coreBusyBeforeRunPercent: await measure.sampleCoreBusyPercent([PLACE.serverCore, PLACE.loadCore]),
    connections: CONNECTIONS,
    pipelining: 1,
    ...options,
    serverCore: PLACE.serverCore,
    loadGeneratorCore: PLACE.loadCore,
    widerServers: targets
      .filter((target) => target.cores.length > 1)
      .map(({ label, cores }) => ({ label, cores })),
    statisticsBodyBytes: Buffer.byteLength(statistics?.body ?? ''),
  }
}

/** The Redis target needs a Redis that answers: one clear line instead of a server that degrades. */
async function requireRedis(url: string) {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    throw new Error(
      `no Redis answers at ${url} (${String(error)}): start one with redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no, or set BENCH_REDIS_URL`,
      { cause: error },
    )
  } finally {
    redis.disconnect()
  }
}

/**
 * Opens the bench database, creates the API key every request carries on it, measures every scenario,
 * and drops the database whatever happens.
 */
async function measureOnFreshDatabase(options: RunOptions) {
  await requireRedis(BENCH_REDIS_URL)
  const database = await openBenchDatabase()
  const secrets = createBulwarkSecrets()
  try {
    const apiKey = await createApiKey(ROOT, database.url, secrets)
    const scenarios = createScenarios(apiKey)
    const targets = createTargets(database.url, secrets, options)
    const meta = await collectMeta(options, scenarios, database, targets)
    console.log(report.formatHeader(meta))
    const measured = await measureAll(database, targets, scenarios, options)
    const bulwark = targets.find((target) => target.id === 'bulwark')
    if (bulwark === undefined) throw new Error('no Bulwark W=1 target')
    const mathCache = await measureMathCache(ROOT, bulwark, apiKey, options.durationS)
    return { meta, ...measured, mathCache }
  } finally {
    secrets.remove()
    await database.close()
    await dropBenchDatabase()
  }
}

async function main() {
  installCleanup()
  const options = readOptions()
  const startedAt = performance.now()

  const { meta, rows, memory, mathCache } = await measureOnFreshDatabase(options)
  const summaries = summarize(rows)
  const ratios = computeRatios(rows)
  const elapsedS = Math.round((performance.now() - startedAt) / 1000)
  console.log(
    `\n${report.formatSummaries(summaries)}\n\n${report.formatRatios(ratios)}\n\n` +
      `${report.formatVariants(ratios)}\n\n${report.formatMemory(memory)}\n\n` +
      `${report.formatGeneratorCheck(summaries)}\n\n${formatMathCache(mathCache)}\n\nMeasured in ${elapsedS} s.`,
  )
  const invalid = findInvalid(summaries)
  const valid = invalid.length === 0
  report.writeJson(RESULTS_PATH, { meta, elapsedS, summaries, ratios, memory, mathCache, rows, valid })
  console.log(`Results written to ${RESULTS_PATH}`)
  if (invalid.length > 0) {
    const names = invalid.map((summary) => `${summary.label} / ${summary.scenario}`).join(', ')
    throw new Error(`INVALID RUN: wrong statuses or bodies, or socket errors, in ${names}; see the table`)
  }
}

try {
  await main()
} catch (error) {
  console.error(error)
  process.exitCode = 1
}
