// `npm run bench`: bare node:http, minimal Fastify and Bulwark answer the same two requests, one server
// after the other on the same machine: the server pinned to core 0, the load generator (bench/load.ts,
// its own process) to core 1. Prints the table and writes bench/results/latest.json.
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs'
import { release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { LoadJob, LoadMessage, LoadResult } from './load.ts'
import { createBenchDatabase, dropBenchDatabase } from './database.ts'
import * as measure from './measure.ts'
import { findFreePort, installCleanup, spawnPinned, stopProcess, type Pinned } from './processes.ts'
import * as report from './report.ts'
import { checkAnswer, waitUntilListening } from './responses.ts'
import { createScenarios, type Scenario } from './scenarios.ts'
import { createTargets, type Target } from './targets.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS_PATH = join(ROOT, 'bench/results/latest.json')
const SERVER_CORE = 0
const LOAD_CORE = 1
const CONNECTIONS = 50
const WARMUP_S = 3
/** Time a load generator may take beyond its warm-up and window before it is killed. */
const LOAD_GRACE_S = 30

interface RunOptions {
  warmupS: number
  durationS: number
}

function readOptions(): RunOptions {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
  const fromEnv = process.env.BENCH_DURATION_S
  const durationS = values.quick ? 3 : fromEnv === undefined ? 10 : Number(fromEnv)
  if (!Number.isInteger(durationS) || durationS < 1 || durationS > 600) {
    throw new Error(`BENCH_DURATION_S must be a whole number of seconds from 1 to 600, not "${fromEnv}"`)
  }
  return { warmupS: WARMUP_S, durationS }
}

function readVersion(packageName: string): string {
  const path = join(ROOT, 'node_modules', packageName, 'package.json')
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version
}

interface Snapshot {
  serverCpuS: number
  loadCpuS: number
  serverCore: measure.CoreTimes
  loadCore: measure.CoreTimes
  wallS: number
}

const snapshot = (server: Pinned, load: Pinned): Snapshot => ({
  serverCpuS: measure.readCpuSeconds(server.pid),
  loadCpuS: measure.readCpuSeconds(load.pid),
  serverCore: measure.readCoreTimes(SERVER_CORE),
  loadCore: measure.readCoreTimes(LOAD_CORE),
  wallS: performance.now() / 1000,
})

/** Runs the load generator and reads the server's CPU time when the measured window starts and ends. */
function awaitWindow(server: Pinned, load: Pinned, timeoutS: number) {
  return new Promise<{ result: LoadResult; start: Snapshot; end: Snapshot }>((resolve, reject) => {
    let start: Snapshot | undefined
    const timer = setTimeout(
      () => reject(new Error(`load generator still running after ${timeoutS} s`)),
      timeoutS * 1000,
    )
    load.child.on('message', (message) => {
      const update = message as LoadMessage
      if (update.type === 'measuring') start = snapshot(server, load)
      if (update.type !== 'result') return
      clearTimeout(timer)
      if (start === undefined) reject(new Error('load generator reported a result before its window'))
      else resolve({ result: update.result, start, end: snapshot(server, load) })
    })
    void load.exited.then((description) => {
      clearTimeout(timer)
      reject(new Error(`load generator ${description} before reporting:\n${load.stderrTail()}`))
    })
  })
}

async function runLoad(server: Pinned, job: LoadJob) {
  const load = spawnPinned({
    core: LOAD_CORE,
    args: ['bench/load.ts', JSON.stringify(job)],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdout: 'ignore',
    ipc: true,
  })
  try {
    const { result, start, end } = await awaitWindow(server, load, job.warmupS + job.durationS + LOAD_GRACE_S)
    const wallS = end.wallS - start.wallS
    const serverCore = measure.coreUsePercent(start.serverCore, end.serverCore)
    return {
      ...result,
      rssMb: measure.readRssMb(server.pid),
      serverCpuPercent: measure.cpuPercent(end.serverCpuS - start.serverCpuS, wallS),
      serverCoreBusyPercent: serverCore.busy,
      serverCoreStealPercent: serverCore.steal,
      loadGeneratorCpuPercent: measure.cpuPercent(end.loadCpuS - start.loadCpuS, wallS),
      loadCoreBusyPercent: measure.coreUsePercent(start.loadCore, end.loadCore).busy,
    }
  } finally {
    await stopProcess(load)
  }
}

function countLines(path: string): number {
  const content = readFileSync(path)
  let lines = 0
  for (let at = content.indexOf(10); at !== -1; at = content.indexOf(10, at + 1)) lines++
  return lines
}

/** Starts one server, checks its answers, measures each scenario, stops it. */
async function benchTarget(target: Target, scenarios: readonly Scenario[], options: RunOptions) {
  const port = await findFreePort()
  const baseUrl = `http://127.0.0.1:${port}`
  // A fixed name: a log left by an interrupted run is replaced by the next one.
  const logPath = join(tmpdir(), 'bulwark-bench-stdout.log')
  const stdout = target.logsToStdout ? openSync(logPath, 'w') : 'ignore'
  const env = { ...target.env, PORT: String(port) }
  const server = spawnPinned({ core: SERVER_CORE, args: target.args, cwd: ROOT, env, stdout })
  if (typeof stdout === 'number') closeSync(stdout)
  try {
    await waitUntilListening(baseUrl, scenarios[0]!, server)
    const rows: report.Row[] = []
    for (const scenario of scenarios) {
      const expectBody = await checkAnswer(baseUrl, scenario)
      console.log(`  measuring ${target.label} / ${scenario.name}`)
      const { method, headers, body } = scenario
      const job = {
        url: `${baseUrl}${scenario.path}`,
        method,
        headers,
        body,
        expectBody,
        connections: CONNECTIONS,
      }
      const measured = await runLoad(server, { ...job, ...options })
      rows.push({ target: target.id, label: target.label, scenario: scenario.name, ...measured })
    }
    return rows
  } finally {
    await stopProcess(server)
    if (target.logsToStdout) {
      console.log(
        `  ${target.label} wrote ${countLines(logPath).toLocaleString('en-US')} log lines to stdout`,
      )
      rmSync(logPath, { force: true })
    }
  }
}

async function collectMeta(options: RunOptions, scenarios: readonly Scenario[]): Promise<report.RunMeta> {
  const statistics = scenarios.find((scenario) => scenario.name === 'statistics')
  return {
    date: new Date().toISOString(),
    node: process.version,
    fastify: readVersion('fastify'),
    autocannon: readVersion('autocannon'),
    ...measure.describeMachine(),
    kernel: release(),
    coreBusyBeforeRunPercent: await measure.sampleCoreBusyPercent([SERVER_CORE, LOAD_CORE]),
    connections: CONNECTIONS,
    pipelining: 1,
    ...options,
    serverCore: SERVER_CORE,
    loadGeneratorCore: LOAD_CORE,
    statisticsBodyBytes: Buffer.byteLength(statistics?.body ?? ''),
  }
}

async function main() {
  installCleanup()
  const options = readOptions()
  const scenarios = createScenarios()
  const meta = await collectMeta(options, scenarios)
  console.log(report.formatHeader(meta))

  const rows: report.Row[] = []
  const databaseUrl = await createBenchDatabase()
  try {
    for (const target of createTargets(databaseUrl))
      rows.push(...(await benchTarget(target, scenarios, options)))
  } finally {
    await dropBenchDatabase()
  }

  const ratios = report.computeRatios(rows)
  console.log(
    `\n${report.formatRows(rows)}\n\n${report.formatRatios(ratios)}\n\n${report.formatGeneratorCheck(rows)}`,
  )
  const invalid = report.findInvalidRows(rows)
  report.writeJson(RESULTS_PATH, { meta, rows, ratios, valid: invalid.length === 0 })
  console.log(`Results written to ${RESULTS_PATH}`)
  if (invalid.length > 0) {
    const names = invalid.map((row) => `${row.label} / ${row.scenario}`).join(', ')
    throw new Error(`INVALID RUN: non-2xx answers, socket errors or wrong bodies in ${names}; see the table`)
  }
}

try {
  await main()
} catch (error) {
  console.error(error)
  process.exitCode = 1
}
