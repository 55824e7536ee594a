// What a run found: the rows, the ratios against the targets, the generator check, as text and JSON.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { LoadResult } from './load.ts'
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.ts'
import type { TargetId } from './targets.ts'

export interface Row extends LoadResult {
  target: TargetId
  label: string
  scenario: ScenarioName
  /** VmRSS of the server's process tree right after the measured window. */
  rssMb: number
  /** Server CPU time over the measured window's wall time, in percent of its one core. */
  serverCpuPercent: number
  /** Time core 0 ran anything (the server or another process) and time the hypervisor took from it. */
  serverCoreBusyPercent: number
  serverCoreStealPercent: number
  loadGeneratorCpuPercent: number
  loadCoreBusyPercent: number
}

export interface RunMeta {
  date: string
  node: string
  fastify: string
  autocannon: string
  cpuModel: string
  cores: number
  loadAverage: string
  kernel: string
  /** How busy the two cores were with other work in the second before the run. */
  coreBusyBeforeRunPercent: number[]
  connections: number
  pipelining: number
  warmupS: number
  durationS: number
  serverCore: number
  loadGeneratorCore: number
  statisticsBodyBytes: number
}

export interface Ratio {
  scenario: ScenarioName
  bulwarkOverMinimalFastify: number
  minimalFastifyOverBare: number
  bulwarkP99Ms: number
  /** Targets: Bulwark at least 0.5× minimal Fastify's req/s, and p99 under 10 ms at 50 connections. */
  meetsThroughputTarget: boolean
  meetsLatencyTarget: boolean
}

export const SATURATED_CPU_PERCENT = 90
const THROUGHPUT_TARGET = 0.5
const P99_TARGET_MS = 10

function find(rows: readonly Row[], target: TargetId, scenario: ScenarioName): Row | undefined {
  return rows.find((row) => row.target === target && row.scenario === scenario)
}

export function computeRatios(rows: readonly Row[]): Ratio[] {
  return SCENARIO_NAMES.flatMap((scenario) => {
    const [bare, minimal, bulwark] = (['bare-http', 'minimal-fastify', 'bulwark'] as const).map((target) =>
      find(rows, target, scenario),
    )
    if (bare === undefined || minimal === undefined || bulwark === undefined) return []
    const bulwarkOverMinimalFastify = bulwark.requestsPerS / minimal.requestsPerS
    return [
      {
        scenario,
        bulwarkOverMinimalFastify,
        minimalFastifyOverBare: minimal.requestsPerS / bare.requestsPerS,
        bulwarkP99Ms: bulwark.p99Ms,
        meetsThroughputTarget: bulwarkOverMinimalFastify >= THROUGHPUT_TARGET,
        meetsLatencyTarget: bulwark.p99Ms < P99_TARGET_MS,
      },
    ]
  })
}

/** Rows whose run had an answer that was not a 2xx with the expected body, or a socket error. */
export function findInvalidRows(rows: readonly Row[]): Row[] {
  return rows.filter((row) => row.non2xx + row.errors + row.timeouts + row.mismatches + row.warmup.non2xx > 0)
}

export function formatHeader(meta: RunMeta): string {
  const { serverCore, loadGeneratorCore } = meta
  const busy = meta.coreBusyBeforeRunPercent.map((percent) => `${percent.toFixed(0)} %`).join(' and ')
  return [
    `Bulwark benchmark, ${meta.date}`,
    `Node ${meta.node}, Fastify ${meta.fastify}, autocannon ${meta.autocannon}, Linux ${meta.kernel}`,
    `${meta.cpuModel}, ${meta.cores} cores, load average before the run: ${meta.loadAverage}`,
    `Cores ${serverCore} and ${loadGeneratorCore} busy with other work in the second before the run: ${busy}`,
    `${meta.connections} connections, pipelining ${meta.pipelining}, ${meta.warmupS} s warm-up, ` +
      `${meta.durationS} s window; server on core ${serverCore}, load generator on core ${loadGeneratorCore}`,
  ].join('\n')
}

/** Columns padded to their widest cell; the first `leftColumns` are left-aligned, numbers to the right. */
function table(header: string[], lines: string[][], leftColumns = 2): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  )
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column < leftColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('  ')
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join(
    '\n',
  )
}

const fixed = (value: number, digits = 1) => value.toFixed(digits)

/** CPU that processes outside the benchmark (and the hypervisor) took from each core during the window. */
const othersOnServerCore = (row: Row) =>
  Math.max(0, row.serverCoreBusyPercent - row.serverCpuPercent) + row.serverCoreStealPercent
const othersOnLoadCore = (row: Row) => Math.max(0, row.loadCoreBusyPercent - row.loadGeneratorCpuPercent)

export function formatRows(rows: readonly Row[]): string {
  const header = ['server', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'RSS MB', 'server CPU %']
  header.push('loadgen CPU %', 'others c0/c1 %', 'non-2xx', 'errors', 'mismatches')
  const lines = rows.map((row) => [
    row.label,
    row.scenario,
    Math.round(row.requestsPerS).toLocaleString('en-US'),
    fixed(row.p50Ms, 0),
    fixed(row.p99Ms, 0),
    fixed(row.maxMs, 0),
    fixed(row.rssMb),
    fixed(row.serverCpuPercent),
    fixed(row.loadGeneratorCpuPercent),
    `${fixed(othersOnServerCore(row), 0)}/${fixed(othersOnLoadCore(row), 0)}`,
    String(row.non2xx),
    String(row.errors + row.timeouts),
    String(row.mismatches),
  ])
  return table(header, lines)
}

export function formatRatios(ratios: readonly Ratio[]): string {
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED')
  const lines = ratios.map((ratio) => [
    ratio.scenario,
    `${fixed(ratio.bulwarkOverMinimalFastify, 2)}×`,
    `${fixed(ratio.minimalFastifyOverBare, 2)}×`,
    `${verdict(ratio.meetsThroughputTarget)} (≥ ${THROUGHPUT_TARGET}×)`,
    `${verdict(ratio.meetsLatencyTarget)} (${fixed(ratio.bulwarkP99Ms, 0)} ms, < ${P99_TARGET_MS})`,
  ])
  const header = ['scenario', 'Bulwark / minimal Fastify', 'minimal Fastify / bare', 'throughput', 'p99']
  return table(header, lines, 1)
}

function explainBareRow(row: Row): string {
  const readings =
    `server ${fixed(row.serverCpuPercent)} % of core 0 (others and steal ${fixed(othersOnServerCore(row))} %), ` +
    `load generator ${fixed(row.loadGeneratorCpuPercent)} % of core 1 (others ${fixed(othersOnLoadCore(row))} %)`
  if (row.serverCpuPercent >= SATURATED_CPU_PERCENT) {
    const close =
      row.loadGeneratorCpuPercent >= SATURATED_CPU_PERCENT
        ? ' (the load generator was near its limit too)'
        : ''
    return `${readings}: saturated${close}`
  }
  if (row.loadGeneratorCpuPercent >= SATURATED_CPU_PERCENT) {
    return `${readings}: NOT saturated, the load generator is the bottleneck`
  }
  const serverCoreFull = row.serverCpuPercent + othersOnServerCore(row) >= SATURATED_CPU_PERCENT
  const loadCoreFull = row.loadGeneratorCpuPercent + othersOnLoadCore(row) >= SATURATED_CPU_PERCENT
  if (serverCoreFull || loadCoreFull) {
    const cores = [serverCoreFull ? 'core 0' : '', loadCoreFull ? 'core 1' : ''].filter(Boolean).join(' and ')
    return `${readings}: NOT saturated, ${cores} full but shared with processes outside the benchmark (noise)`
  }
  return `${readings}: NOT saturated, and neither core was full`
}

/** Whether the bare server used its whole core: if it did, the load generator was not the limit. */
export function formatGeneratorCheck(rows: readonly Row[]): string {
  const bare = rows.filter((row) => row.target === 'bare-http')
  const saturated = bare.length > 0 && bare.every((row) => row.serverCpuPercent >= SATURATED_CPU_PERCENT)
  const verdict = saturated
    ? `the bare server saturated its core (≥ ${SATURATED_CPU_PERCENT} %): the load generator is not the bottleneck.`
    : `the bare server did NOT saturate its core in every scenario: its figures are a lower bound.`
  const lines = bare.map((row) => `  ${row.scenario}: ${explainBareRow(row)}`)
  return [`Generator check: ${verdict}`, ...lines].join('\n')
}

export function writeJson(path: string, report: unknown) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
}
