// The process facts /status reports: what runs (name, version, commit), for how long, and what it uses
// (CPU, memory, disk, load, event-loop lag), each measured here with Node's own counters.
import { statfs } from 'node:fs/promises'
import { availableParallelism, freemem, loadavg, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'

/** What the process is, as the caller knows it (package.json, build-info.json, configuration). */
export interface About {
  name: string
  version: string
  commit: string
  environment: string
}

export interface SystemStatusOptions {
  about: About
  /** Disk usage is reported for this directory, else for process.cwd(). */
  dataDir: string | undefined
  /** A statfs call that takes longer (a hung network mount) is reported as an error; default 1000. */
  diskTimeoutMs?: number
}

/** The /status document without its workers (the caller adds those). */
export interface SystemStatus extends About {
  pid: number
  node: string
  started_at: string
  uptime_s: number
  cpu: {
    user_s: number
    system_s: number
    /** Share of one core used since the previous read (100 = one core busy), over window_s. */
    percent: number
    available_parallelism: number
    window_s: number
  }
  load: { avg_1m: number; avg_5m: number; avg_15m: number }
  memory: {
    rss_bytes: number
    heap_total_bytes: number
    heap_used_bytes: number
    external_bytes: number
    array_buffers_bytes: number
    /** The cgroup limit when there is one (a container), else null. */
    limit_bytes: number | null
    system_total_bytes: number
    system_free_bytes: number
  }
  disk: DiskStatus
  /** Event-loop delay since the previous read (window_s), in milliseconds. */
  event_loop_lag: { p50_ms: number; p99_ms: number; max_ms: number; window_s: number }
}

export type DiskStatus =
  | { path: string; total_bytes: number; free_bytes: number; available_bytes: number }
  | { path: string; error: string }

export interface SystemStatusReader {
  /** The facts now; CPU percent and event-loop lag cover the time since the previous read. */
  read(): Promise<SystemStatus>
  /** Stops the event-loop monitor. */
  stop(): void
}

/** Resolution of the event-loop monitor: a sample every 20 ms costs nothing measurable. */
const LAG_RESOLUTION_MS = 20

/** Starts measuring the event loop once; each read reports and resets its window. */
export function createSystemStatus(options: SystemStatusOptions): SystemStatusReader {
  const { about } = options
  const diskPath = resolve(options.dataDir ?? process.cwd())
  const diskTimeoutMs = options.diskTimeoutMs ?? 1000
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })
  lag.enable()
  let windowStart = performance.now()
  let cpuAtWindowStart = process.cpuUsage()

  function readWindow() {
    const now = performance.now()
    const windowS = (now - windowStart) / 1000
    const cpu = process.cpuUsage()
    const usedUs = cpu.user - cpuAtWindowStart.user + (cpu.system - cpuAtWindowStart.system)
    const eventLoopLag = {
      p50_ms: lagMs(lag.count === 0 ? 0 : lag.percentile(50)),
      p99_ms: lagMs(lag.count === 0 ? 0 : lag.percentile(99)),
      max_ms: lagMs(lag.count === 0 ? 0 : lag.max),
      window_s: round(windowS, 3),
    }
    lag.reset()
    windowStart = now
    cpuAtWindowStart = cpu
    const percent = windowS > 0 ? round(usedUs / 1e4 / windowS, 1) : 0
    return { cpu, percent, windowS, eventLoopLag }
  }

  return {
    async read() {
      const disk = await diskStatus(diskPath, diskTimeoutMs)
      const window = readWindow()
      const memory = process.memoryUsage()
      const [avg1, avg5, avg15] = loadavg()
      const uptimeS = process.uptime()
      return {
        ...about,
        pid: process.pid,
        node: process.version,
        started_at: new Date(Date.now() - uptimeS * 1000).toISOString(),
        uptime_s: round(uptimeS, 3),
        cpu: {
          user_s: round(window.cpu.user / 1e6, 3),
          system_s: round(window.cpu.system / 1e6, 3),
          percent: window.percent,
          available_parallelism: availableParallelism(),
          window_s: round(window.windowS, 3),
        },
        load: { avg_1m: round(avg1 ?? 0, 2), avg_5m: round(avg5 ?? 0, 2), avg_15m: round(avg15 ?? 0, 2) },
        memory: {
          rss_bytes: memory.rss,
          heap_total_bytes: memory.heapTotal,
          heap_used_bytes: memory.heapUsed,
          external_bytes: memory.external,
          array_buffers_bytes: memory.arrayBuffers,
          limit_bytes: memoryLimit(),
          system_total_bytes: totalmem(),
          system_free_bytes: freemem(),
        },
        disk,
        event_loop_lag: window.eventLoopLag,
      }
    },
    stop() {
      lag.disable()
    },
  }
}

/** Total, free (root included) and available (to this user) bytes of the file system holding `path`. */
async function diskStatus(path: string, timeoutMs: number): Promise<DiskStatus> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    const stats = await Promise.race([statfs(path), timeout])
    return {
      path,
      total_bytes: stats.blocks * stats.bsize,
      free_bytes: stats.bfree * stats.bsize,
      available_bytes: stats.bavail * stats.bsize,
    }
  } catch (error) {
    // The code (ENOENT, EACCES) or the timeout, not the message: the path is already in the document.
    const code = (error as NodeJS.ErrnoException).code
    return { path, error: typeof code === 'string' ? code : (error as Error).message }
  } finally {
    clearTimeout(timer)
  }
}

/** The cgroup memory limit, or null when the process has none (Node reports 0 or a huge number then). */
function memoryLimit(): number | null {
  const limit = process.constrainedMemory()
  return limit > 0 && limit < Number.MAX_SAFE_INTEGER ? limit : null
}

/** The histogram records the whole interval between samples; the lag is what exceeds the resolution. */
function lagMs(nanoseconds: number): number {
  return round(Math.max(0, nanoseconds / 1e6 - LAG_RESOLUTION_MS), 2)
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}
