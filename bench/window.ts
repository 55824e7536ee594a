// One measured window: the load generator (bench/load.ts, its own process on its own core) runs a warm-up
// and the window; the CPU time of the server, the generator, PostgreSQL (bench/measure.ts says which of
// its processes) and each core is read exactly when the window starts and ends.
import type { LoadJob, LoadMessage, LoadResult } from './load.ts'
import * as measure from './measure.ts'
import { spawnPinned, stopProcess, type Pinned } from './processes.ts'

export interface WindowPlace {
  root: string
  serverCore: number
  loadCore: number
  /** The database whose PostgreSQL backends are counted as PostgreSQL's, not as other load. */
  databaseName: string
}

export interface WindowResult extends LoadResult {
  /** VmRSS of the server's process tree right after the window. */
  rssMb: number
  /** CPU time over the window's wall time, in percent of one core. */
  serverCpuPercent: number
  loadGeneratorCpuPercent: number
  /** The bench database's backends and PostgreSQL's background processes, on either core (not pinned). */
  postgresCpuPercent: number
  /** CPU the two cores spent on anything else (other people's work) plus hypervisor steal, summed. */
  othersPercent: number
}

/** Time a load generator may take beyond its warm-up and window before it is killed. */
const LOAD_GRACE_S = 30

interface Snapshot {
  serverCpuS: number
  loadCpuS: number
  postgresCpuS: Map<number, number>
  serverCore: measure.CoreTimes
  loadCore: measure.CoreTimes
  wallS: number
}

function snapshot(place: WindowPlace, server: Pinned, load: Pinned): Snapshot {
  return {
    serverCpuS: measure.readCpuSeconds(server.pid),
    loadCpuS: measure.readCpuSeconds(load.pid),
    postgresCpuS: measure.readPostgresCpuSeconds(place.databaseName),
    serverCore: measure.readCoreTimes(place.serverCore),
    loadCore: measure.readCoreTimes(place.loadCore),
    wallS: performance.now() / 1000,
  }
}

/** Waits for the generator's result, taking a snapshot when its measured window starts and one at the end. */
function awaitWindow(place: WindowPlace, server: Pinned, load: Pinned, timeoutS: number) {
  return new Promise<{ result: LoadResult; start: Snapshot; end: Snapshot }>((resolve, reject) => {
    let start: Snapshot | undefined
    const timer = setTimeout(
      () => reject(new Error(`load generator still running after ${timeoutS} s`)),
      timeoutS * 1000,
    )
    load.child.on('message', (message) => {
      const update = message as LoadMessage
      if (update.type === 'measuring') start = snapshot(place, server, load)
      if (update.type !== 'result') return
      clearTimeout(timer)
      if (start === undefined) reject(new Error('load generator reported a result before its window'))
      else resolve({ result: update.result, start, end: snapshot(place, server, load) })
    })
    void load.exited.then((description) => {
      clearTimeout(timer)
      reject(new Error(`load generator ${description} before reporting:\n${load.stderrTail()}`))
    })
  })
}

function summarizeUse(start: Snapshot, end: Snapshot) {
  const wallS = end.wallS - start.wallS
  const server = measure.cpuPercent(end.serverCpuS - start.serverCpuS, wallS)
  const load = measure.cpuPercent(end.loadCpuS - start.loadCpuS, wallS)
  const postgres = measure.cpuPercent(measure.cpuSecondsBetween(start.postgresCpuS, end.postgresCpuS), wallS)
  const serverCore = measure.coreUsePercent(start.serverCore, end.serverCore)
  const loadCore = measure.coreUsePercent(start.loadCore, end.loadCore)
  const othersBusy = serverCore.busy + loadCore.busy - server - load - postgres
  return {
    serverCpuPercent: server,
    loadGeneratorCpuPercent: load,
    postgresCpuPercent: postgres,
    othersPercent: Math.max(0, othersBusy) + serverCore.steal + loadCore.steal,
  }
}

/** Runs one warm-up and one measured window of `job` against the server. */
export async function measureWindow(place: WindowPlace, server: Pinned, job: LoadJob): Promise<WindowResult> {
  const load = spawnPinned({
    core: place.loadCore,
    args: ['bench/load.ts', JSON.stringify(job)],
    cwd: place.root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdout: 'ignore',
    ipc: true,
  })
  try {
    const timeoutS = job.warmupS + job.durationS + LOAD_GRACE_S
    const { result, start, end } = await awaitWindow(place, server, load, timeoutS)
    return { ...result, rssMb: measure.readRssMb(server.pid), ...summarizeUse(start, end) }
  } finally {
    await stopProcess(load)
  }
}
