// From windows to findings: each server's medians over the rounds, with their spread, and the ratios
// between servers taken round by round (same minutes, same machine speed), then their median.
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.ts'
import { BULWARK_TARGET_IDS, TARGET_IDS, type TargetId } from './targets.ts'
import type { WindowResult } from './window.ts'

/** One measured window: one server, one scenario, one round. */
export interface Row extends WindowResult {
  target: TargetId
  label: string
  scenario: ScenarioName
  /** From 1. */
  round: number
}

export interface Spread {
  median: number
  min: number
  max: number
}

export interface Summary {
  target: TargetId
  label: string
  scenario: ScenarioName
  rounds: number
  requestsPerS: Spread
  p50Ms: Spread
  p99Ms: Spread
  /** The highest of the rounds, as are rssMb and othersPercent. */
  maxMs: number
  rssMb: number
  othersPercent: number
  serverCpuPercent: number
  postgresCpuPercent: number
  loadGeneratorCpuPercent: number
  /** Summed over the rounds' warm-ups and windows. */
  wrongStatus: number
  errors: number
  mismatches: number
}

/** One Bulwark variant (WORKERS=1, WORKERS=2, …) against the two floors, round by round. */
export interface VariantRatio {
  target: TargetId
  label: string
  overMinimalFastify: Spread
  overBare: Spread
  p99Ms: Spread
}

export interface Ratio {
  scenario: ScenarioName
  /** Over the rounds: each round's ratio of the two servers' req/s. */
  bulwarkOverMinimalFastify: Spread
  minimalFastifyOverBare: Spread
  /** Bulwark's p99 over the rounds. */
  bulwarkP99Ms: Spread
  /** Targets: median ratio at least 0.5, and median p99 under 10 ms at 50 connections. */
  meetsThroughputTarget: boolean
  meetsLatencyTarget: boolean
  /** Every Bulwark variant that was measured, `bulwark` (WORKERS=1) first. */
  variants: VariantRatio[]
}

export const THROUGHPUT_TARGET = 0.5
export const P99_TARGET_MS = 10

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 }
}

const sum = (rows: readonly Row[], pick: (row: Row) => number) =>
  rows.reduce((total, row) => total + pick(row), 0)

function summarizeWindows(windows: readonly Row[]): Summary {
  const first = windows[0]!
  const median = (pick: (row: Row) => number) => spreadOf(windows.map(pick)).median
  const highest = (pick: (row: Row) => number) => Math.max(...windows.map(pick))
  return {
    target: first.target,
    label: first.label,
    scenario: first.scenario,
    rounds: windows.length,
    requestsPerS: spreadOf(windows.map((row) => row.requestsPerS)),
    p50Ms: spreadOf(windows.map((row) => row.p50Ms)),
    p99Ms: spreadOf(windows.map((row) => row.p99Ms)),
    maxMs: highest((row) => row.maxMs),
    rssMb: highest((row) => row.rssMb),
    othersPercent: highest((row) => row.othersPercent),
    serverCpuPercent: median((row) => row.serverCpuPercent),
    postgresCpuPercent: median((row) => row.postgresCpuPercent),
    loadGeneratorCpuPercent: median((row) => row.loadGeneratorCpuPercent),
    wrongStatus: sum(windows, (row) => row.wrongStatus + row.warmup.wrongStatus),
    errors: sum(windows, (row) => row.errors + row.timeouts + row.warmup.errors),
    mismatches: sum(windows, (row) => row.mismatches + row.warmup.mismatches),
  }
}

/** One summary per server and scenario, in target order within scenario order. */
export function summarize(rows: readonly Row[]): Summary[] {
  return SCENARIO_NAMES.flatMap((scenario) =>
    TARGET_IDS.flatMap((target) => {
      const windows = rows.filter((row) => row.target === target && row.scenario === scenario)
      return windows.length === 0 ? [] : [summarizeWindows(windows)]
    }),
  )
}

/** Per round, numerator's req/s over denominator's; rounds missing either are skipped. */
function roundRatios(rows: readonly Row[], numerator: TargetId, denominator: TargetId): number[] {
  return rows
    .filter((row) => row.target === numerator)
    .flatMap((top) => {
      const bottom = rows.find((row) => row.target === denominator && row.round === top.round)
      return bottom === undefined ? [] : [top.requestsPerS / bottom.requestsPerS]
    })
}

export function computeRatios(rows: readonly Row[]): Ratio[] {
  return SCENARIO_NAMES.flatMap((scenario) => {
    const windows = rows.filter((row) => row.scenario === scenario)
    const bulwark = roundRatios(windows, 'bulwark', 'minimal-fastify')
    const minimal = roundRatios(windows, 'minimal-fastify', 'bare-http')
    const p99 = windows.filter((row) => row.target === 'bulwark').map((row) => row.p99Ms)
    if (bulwark.length === 0 || minimal.length === 0) return []
    const bulwarkOverMinimalFastify = spreadOf(bulwark)
    const bulwarkP99Ms = spreadOf(p99)
    const variants = BULWARK_TARGET_IDS.flatMap((target): VariantRatio[] => {
      const own = windows.filter((row) => row.target === target)
      if (own.length === 0) return []
      return [
        {
          target,
          label: own[0]!.label,
          overMinimalFastify: spreadOf(roundRatios(windows, target, 'minimal-fastify')),
          overBare: spreadOf(roundRatios(windows, target, 'bare-http')),
          p99Ms: spreadOf(own.map((row) => row.p99Ms)),
        },
      ]
    })
    return [
      {
        scenario,
        bulwarkOverMinimalFastify,
        minimalFastifyOverBare: spreadOf(minimal),
        bulwarkP99Ms,
        meetsThroughputTarget: bulwarkOverMinimalFastify.median >= THROUGHPUT_TARGET,
        meetsLatencyTarget: bulwarkP99Ms.median < P99_TARGET_MS,
        variants,
      },
    ]
  })
}

/** Servers and scenarios with an answer of the wrong status or body, or a socket error, in any window. */
export function findInvalid(summaries: readonly Summary[]): Summary[] {
  return summaries.filter((summary) => summary.wrongStatus + summary.errors + summary.mismatches > 0)
}
