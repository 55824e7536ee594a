// `npm run bench`: bare node:http, minimal Fastify and Bulwark answer the same four requests on the same
// machine: the servers pinned to core 0, the load generator (bench/load.ts, its own process) to core 1.
// The servers take turns in rounds (bench/summary.ts takes the medians), so a drift of the machine's speed
// over minutes reaches all three alike. Prints the table and writes bench/results/latest.json.
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs'
import { release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { BENCH_DATABASE_NAME, dropBenchDatabase, openBenchDatabase, type BenchDatabase } from './database.ts'
import type { LoadJob } from './load.ts'
import * as measure from './measure.ts'
import { findFreePort, installCleanup, spawnPinned, stopProcess, type Pinned } from './processes.ts'
import * as report from './report.ts'
import { checkAnswer, waitUntilListening, type ExpectedBody } from './responses.ts'
import { createScenarios, type Scenario, type ScenarioName } from './scenarios.ts'
import { computeRatios, findInvalid, summarize, type Row } from './summary.ts'
import {
  createApiKey,
  createBulwarkSecrets,
  createTargets,
  type BulwarkSecrets,
  type Target,
} from './targets.ts'
import { measureWindow, type WindowPlace } from './window.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS_PATH = join(ROOT, 'bench/results/latest.json')
const PLACE: WindowPlace = { root: ROOT, serverCore: 0, loadCore: 1, databaseName: BENCH_DATABASE_NAME }
const CONNECTIONS = 50
const WARMUP_S = 2
// A fixed name: a log left by an interrupted run is replaced by the next one.
const LOG_PATH = join(tmpdir(), 'bulwark-bench-stdout.log')

interface RunOptions {
  rounds: number
  warmupS: number
  durationS: number
}

function readWholeNumber(name: string, fallback: number, max: number): number {
  const text = process.env[name]
  const value = text === undefined ? fallback : Number(text)
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be a whole number from 1 to ${max}, not "${text}"`)
  }
  return value
}

function readOptions(): RunOptions {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
  if (values.quick) return { rounds: 1, warmupS: WARMUP_S, durationS: 3 }
  return {
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
}

/** Starts one server on the server core and waits until it answers. */
async function startServer(target: Target, scenarios: readonly Scenario[]): Promise<Running> {
  const port = await findFreePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const stdout = target.logsToStdout ? openSync(LOG_PATH, 'w') : 'ignore'
  const env = { ...target.env, PORT: String(port) }
  const server = spawnPinned({ core: PLACE.serverCore, args: target.args, cwd: ROOT, env, stdout })
  if (typeof stdout === 'number') closeSync(stdout)
  await waitUntilListening(baseUrl, scenarios[0]!, server)
  return { target, baseUrl, server, expected: new Map() }
}

async function stopServer({ target, server }: Running) {
  await stopProcess(server)
  if (!target.logsToStdout) return
  console.log(`  ${target.label} wrote ${countLines(LOG_PATH).toLocaleString('en-US')} log lines to stdout`)
  rmSync(LOG_PATH, { force: true })
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
    `  round ${row.round}/${rounds}  ${row.scenario.padEnd(12)}  ${row.label.padEnd(15)}  ` +
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
  secrets: BulwarkSecrets,
  scenarios: readonly Scenario[],
  options: RunOptions,
) {
  const servers: Running[] = []
  try {
    for (const target of createTargets(database.url, secrets)) {
      servers.push(await startServer(target, scenarios))
    }
    const rows: Row[] = []
    for (const scenario of scenarios)
      rows.push(...(await measureScenario(scenario, servers, database, options)))
    return rows
  } finally {
    for (const running of servers) await stopServer(running)
  }
}

async function collectMeta(
  options: RunOptions,
  scenarios: readonly Scenario[],
  database: BenchDatabase,
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
    statisticsBodyBytes: Buffer.byteLength(statistics?.body ?? ''),
  }
}

/**
 * Opens the bench database, creates the API key every request carries on it, measures every scenario,
 * and drops the database whatever happens.
 */
async function measureOnFreshDatabase(options: RunOptions) {
  const database = await openBenchDatabase()
  const secrets = createBulwarkSecrets()
  try {
    const scenarios = createScenarios(await createApiKey(ROOT, database.url, secrets))
    const meta = await collectMeta(options, scenarios, database)
    console.log(report.formatHeader(meta))
    return { meta, rows: await measureAll(database, secrets, scenarios, options) }
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

  const { meta, rows } = await measureOnFreshDatabase(options)
  const summaries = summarize(rows)
  const ratios = computeRatios(rows)
  const elapsedS = Math.round((performance.now() - startedAt) / 1000)
  console.log(
    `\n${report.formatSummaries(summaries)}\n\n${report.formatRatios(ratios)}\n\n` +
      `${report.formatGeneratorCheck(summaries)}\n\nMeasured in ${elapsedS} s.`,
  )
  const invalid = findInvalid(summaries)
  report.writeJson(RESULTS_PATH, { meta, elapsedS, summaries, ratios, rows, valid: invalid.length === 0 })
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
