// Readings from /proc: CPU time and resident memory of a process and its descendants, and the machine.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'

const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

/** The pid and every live descendant (a server may fork workers; all of them are pinned to its core). */
export function processTree(pid: number): number[] {
  const tree = [pid]
  for (let index = 0; index < tree.length; index++) {
    const current = tree[index]!
    for (const tid of safeReaddir(`/proc/${current}/task`)) {
      const children = safeRead(`/proc/${current}/task/${tid}/children`).trim()
      if (children !== '') tree.push(...children.split(/\s+/).map(Number))
    }
  }
  return tree
}

function readProcessTicks(pid: number): number {
  const stat = safeRead(`/proc/${pid}/stat`)
  // The command name (field 2) may contain spaces and parentheses: split after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 14 (utime) and 15 (stime) of proc(5); index 0 here is field 3 (state).
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0)
}

/** User + system CPU time in seconds used so far by the process tree rooted at pid. */
export function readCpuSeconds(pid: number): number {
  let ticks = 0
  for (const member of processTree(pid)) ticks += readProcessTicks(member)
  return ticks / CLOCK_TICKS_PER_S
}

/** PostgreSQL's own background processes, which work for every database (the WAL writer above all). */
const POSTGRES_SHARED =
  /^postgres: (?:[^:]+: )?(?:walwriter|checkpointer|background writer|autovacuum launcher|archiver)\s*$/

/**
 * CPU seconds so far of each PostgreSQL process working for one database: its backends and autovacuum
 * workers, found by process title ("postgres: 15/main: postgres bulwark_bench 127.0.0.1(…) idle"), and
 * the shared background processes (busy with other databases' work only when the machine is not quiet).
 */
export function readPostgresCpuSeconds(databaseName: string): Map<number, number> {
  const ownTitle = new RegExp(`^postgres: .*\\s${databaseName}(\\s|$)`)
  const seconds = new Map<number, number>()
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    const title = safeRead(`/proc/${pid}/cmdline`).replaceAll('\0', ' ').trimEnd()
    if (ownTitle.test(title) || POSTGRES_SHARED.test(title)) {
      seconds.set(pid, readProcessTicks(pid) / CLOCK_TICKS_PER_S)
    }
  }
  return seconds
}

/** CPU seconds used between two readings; a process that started in between counts from zero. */
export function cpuSecondsBetween(start: Map<number, number>, end: Map<number, number>): number {
  let total = 0
  for (const [pid, seconds] of end) total += seconds - (start.get(pid) ?? 0)
  return total
}

/** Resident set size in MB (VmRSS) of the process tree rooted at pid. */
export function readRssMb(pid: number): number {
  let megabytes = 0
  for (const member of readRssByProcess(pid)) megabytes += member.rssMb
  return megabytes
}

/** One process's resident set. */
export interface ProcessRss {
  pid: number
  rssMb: number
}

/** VmRSS of the process and of each live descendant, the process first (a primary, then its workers). */
export function readRssByProcess(pid: number): ProcessRss[] {
  return processTree(pid).map((member) => {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(safeRead(`/proc/${member}/status`))
    return { pid: member, rssMb: Number(match?.[1] ?? 0) / 1024 }
  })
}

/** CPU time over wall time between two readings, in percent of one core. */
export function cpuPercent(cpuSeconds: number, wallSeconds: number): number {
  return (cpuSeconds / wallSeconds) * 100
}

/** Cumulative time of one core from /proc/stat, in clock ticks: what ran on it, whatever the process. */
export interface CoreTimes {
  busy: number
  steal: number
  total: number
}

export function readCoreTimes(core: number): CoreTimes {
  const line = new RegExp(`^cpu${core} (.+)$`, 'm').exec(safeRead('/proc/stat'))?.[1] ?? ''
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .map(Number)
  const busy = user + nice + system + irq + softirq
  return { busy, steal, total: busy + idle + iowait + steal }
}

/** Share of the core's time between two readings that something was running on it, or stolen, in percent. */
export function coreUsePercent(start: CoreTimes, end: CoreTimes): { busy: number; steal: number } {
  const total = end.total - start.total || 1
  return { busy: ((end.busy - start.busy) / total) * 100, steal: ((end.steal - start.steal) / total) * 100 }
}

/** How busy each core is over a short sample: other people's work on a shared machine shows here. */
export async function sampleCoreBusyPercent(cores: readonly number[], sampleMs = 1000): Promise<number[]> {
  const start = cores.map(readCoreTimes)
  await sleep(sampleMs)
  return cores.map((core, index) => {
    const use = coreUsePercent(start[index]!, readCoreTimes(core))
    return use.busy + use.steal
  })
}

export function describeMachine() {
  const model =
    /^model name\s*:\s*(.+)$/m.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown'
  return { cpuModel: model.trim(), cores: cpus().length, loadAverage: safeRead('/proc/loadavg').trim() }
}

// A process that exits between listing and reading simply contributes nothing.
function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if (isGone(error)) return ''
    throw error
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path)
  } catch (error) {
    if (isGone(error)) return []
    throw error
  }
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ESRCH'
}
