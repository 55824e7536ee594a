// What a run found, as text and JSON: the medians over rounds, the ratios against the targets, each
// Bulwark variant against the floors, the memory of each Bulwark process after the load, the generator check.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { P99_TARGET_MS, THROUGHPUT_TARGET, type Ratio, type Spread, type Summary } from './summary.ts'
import type { TargetId } from './targets.ts'

export interface RunMeta {
  date: string
  node: string
  fastify: string
  autocannon: string
  pg: string
  postgres: string
  cpuModel: string
  cores: number
  loadAverage: string
  kernel: string
  /** How busy the two cores were with other work in the second before the run. */
  coreBusyBeforeRunPercent: number[]
  connections: number
  pipelining: number
  rounds: number
  warmupS: number
  durationS: number
  serverCore: number
  loadGeneratorCore: number
  /** Servers allowed more cores than serverCore (Bulwark with two workers), and which. */
  widerServers: { label: string; cores: readonly number[] }[]
  statisticsBodyBytes: number
}

/** One process of a Bulwark server: the primary and its workers, or the single process. */
export interface ProcessMemory {
  role: 'process' | 'primary' | 'worker'
  pid: number
  /** VmRSS once every scenario had run, read from /proc/<pid>/status. */
  rssAfterLoadMb: number
  /** The highest VmRSS read right after any measured window. */
  peakRssMb: number
}

export interface ServerMemory {
  target: TargetId
  label: string
  processes: ProcessMemory[]
}

/** The issue 11 target: one worker's RSS after the benchmark load. */
export const WORKER_RSS_TARGET_MB = 150

export const SATURATED_CPU_PERCENT = 90
/** Other load above this, in percent of one core, makes a window's figures noise rather than Bulwark. */
const NOISE_PERCENT = 10

export function formatHeader(meta: RunMeta): string {
  const { serverCore, loadGeneratorCore } = meta
  const busy = meta.coreBusyBeforeRunPercent.map((percent) => `${percent.toFixed(0)} %`).join(' and ')
  return [
    `Bulwark benchmark, ${meta.date}`,
    `Node ${meta.node}, Fastify ${meta.fastify}, autocannon ${meta.autocannon}, pg ${meta.pg}, ` +
      `PostgreSQL ${meta.postgres}, Linux ${meta.kernel}`,
    `${meta.cpuModel}, ${meta.cores} cores, load average before the run: ${meta.loadAverage}`,
    `Cores ${serverCore} and ${loadGeneratorCore} busy with other work in the second before the run: ${busy}`,
    `${meta.connections} connections, pipelining ${meta.pipelining}; ${meta.rounds} round(s) of ` +
      `${meta.warmupS} s warm-up + ${meta.durationS} s window per server and scenario; ` +
      `servers on core ${serverCore}, load generator on core ${loadGeneratorCore}`,
    ...meta.widerServers.map(
      ({ label, cores }) =>
        `${label} runs on cores ${cores.join(' and ')}: its workers share core ${loadGeneratorCore} with the load generator`,
    ),
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
const whole = (value: number) => Math.round(value).toLocaleString('en-US')
/** autocannon's latencies are whole milliseconds; a median of an even number of rounds may end in .5. */
const milliseconds = (value: number) => (Number.isInteger(value) ? String(value) : fixed(value))
const range = (spread: Spread, format: (value: number) => string) =>
  `${format(spread.min)}–${format(spread.max)}`

export function formatSummaries(summaries: readonly Summary[]): string {
  const header = ['server', 'scenario', 'req/s', 'req/s range', 'p50 ms', 'p99 ms', 'p99 range', 'max ms']
  header.push('RSS MB', 'server CPU %', 'pg CPU %', 'loadgen CPU %', 'others %')
  header.push('wrong status', 'errors', 'mismatches')
  const lines = summaries.map((summary) => [
    summary.label,
    summary.scenario,
    whole(summary.requestsPerS.median),
    range(summary.requestsPerS, whole),
    milliseconds(summary.p50Ms.median),
    milliseconds(summary.p99Ms.median),
    range(summary.p99Ms, milliseconds),
    milliseconds(summary.maxMs),
    fixed(summary.rssMb),
    fixed(summary.serverCpuPercent),
    fixed(summary.postgresCpuPercent),
    fixed(summary.loadGeneratorCpuPercent),
    fixed(summary.othersPercent, 0),
    String(summary.wrongStatus),
    String(summary.errors),
    String(summary.mismatches),
  ])
  return table(header, lines)
}

export function formatRatios(ratios: readonly Ratio[]): string {
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED')
  const ratio = (value: number) => `${fixed(value, 2)}×`
  const lines = ratios.map((entry) => [
    entry.scenario,
    `${ratio(entry.bulwarkOverMinimalFastify.median)} (${range(entry.bulwarkOverMinimalFastify, ratio)})`,
    `${ratio(entry.minimalFastifyOverBare.median)} (${range(entry.minimalFastifyOverBare, ratio)})`,
    `${verdict(entry.meetsThroughputTarget)} (≥ ${THROUGHPUT_TARGET}×)`,
    `${verdict(entry.meetsLatencyTarget)} (${milliseconds(entry.bulwarkP99Ms.median)} ms, ` +
      `rounds ${range(entry.bulwarkP99Ms, milliseconds)}; < ${P99_TARGET_MS})`,
  ])
  const header = ['scenario', 'Bulwark W=1 / minimal Fastify', 'minimal Fastify / bare', 'throughput', 'p99']
  return table(header, lines, 1)
}

/** Each Bulwark variant's req/s over minimal Fastify's and bare node:http's, per scenario. */
export function formatVariants(ratios: readonly Ratio[]): string {
  const ratio = (value: number) => `${fixed(value, 2)}×`
  const lines = ratios.flatMap((entry) =>
    entry.variants.map((variant) => [
      entry.scenario,
      variant.label,
      `${ratio(variant.overMinimalFastify.median)} (${range(variant.overMinimalFastify, ratio)})`,
      `${ratio(variant.overBare.median)} (${range(variant.overBare, ratio)})`,
      `${milliseconds(variant.p99Ms.median)} (${range(variant.p99Ms, milliseconds)})`,
    ]),
  )
  const header = ['scenario', 'server', '/ minimal Fastify', '/ bare node:http', 'p99 ms']
  return table(header, lines)
}

/** RSS of every Bulwark process after the load; a worker (or the single process) against the target. */
export function formatMemory(servers: readonly ServerMemory[]): string {
  const lines = servers.flatMap((server) =>
    server.processes.map((member) => {
      const serves = member.role !== 'primary'
      const verdict = member.rssAfterLoadMb <= WORKER_RSS_TARGET_MB ? 'met' : 'MISSED'
      return [
        server.label,
        member.role,
        String(member.pid),
        fixed(member.rssAfterLoadMb),
        fixed(member.peakRssMb),
        serves ? `${verdict} (≤ ${WORKER_RSS_TARGET_MB} MB)` : '',
      ]
    }),
  )
  const header = ['server', 'process', 'pid', 'RSS after load MB', 'peak after a window MB', 'target']
  return `Memory after the load (VmRSS per process):
${table(header, lines, 3)}`
}

function explainBare(summary: Summary): string {
  const { serverCpuPercent: server, loadGeneratorCpuPercent: load, postgresCpuPercent: postgres } = summary
  const readings =
    `server ${fixed(server)} % of core 0, load generator ${fixed(load)} % of core 1, ` +
    `PostgreSQL ${fixed(postgres)} %, others up to ${fixed(summary.othersPercent)} % (medians)`
  if (server >= SATURATED_CPU_PERCENT) {
    const close = load >= SATURATED_CPU_PERCENT ? ' (the load generator was near its limit too)' : ''
    return `${readings}: saturated${close}`
  }
  if (load >= SATURATED_CPU_PERCENT) return `${readings}: NOT saturated, the load generator is the bottleneck`
  // PostgreSQL is not pinned: its backends share both cores with the server and the generator.
  if (server + load + postgres + summary.othersPercent >= 2 * SATURATED_CPU_PERCENT) {
    return summary.othersPercent >= NOISE_PERCENT
      ? `${readings}: NOT saturated, the cores were full but shared with processes outside the benchmark (noise)`
      : `${readings}: NOT saturated by the server alone, both cores full with PostgreSQL: the machine is the limit`
  }
  return `${readings}: NOT saturated, and the cores were not full`
}

/** Whether the bare server used its whole core: if it did, the load generator was not the limit. */
export function formatGeneratorCheck(summaries: readonly Summary[]): string {
  const bare = summaries.filter((summary) => summary.target === 'bare-http')
  const saturated =
    bare.length > 0 && bare.every((summary) => summary.serverCpuPercent >= SATURATED_CPU_PERCENT)
  const verdict = saturated
    ? `the bare server saturated its core (≥ ${SATURATED_CPU_PERCENT} %): the load generator is not the bottleneck.`
    : `the bare server did NOT saturate its core in every scenario: see why below.`
  const lines = bare.map((summary) => `  ${summary.scenario}: ${explainBare(summary)}`)
  return [`Generator check: ${verdict}`, ...lines].join('\n')
}

export function writeJson(path: string, report: unknown) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
}
