// Samples what overload looks like in this process, every interval: the event loop's mean delay (perf_hooks'
// histogram) and utilisation, the V8 heap in use and the resident memory.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import type { OverloadSample } from './overload.ts'

/** The histogram's timer period; its samples are this much plus the delay. */
const RESOLUTION_MS = 10

export interface OverloadSampler {
  /** Stops the timer and the histogram. */
  close(): void
}

/**
 * Calls `onSample` every `intervalMs` (the timer does not keep the process alive). When the loop was
 * blocked for the whole interval the histogram holds no sample: the sampler's own lateness is the delay.
 */
export function startOverloadSampler(
  intervalMs: number,
  onSample: (sample: OverloadSample, nowMs: number) => void,
): OverloadSampler {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  histogram.enable()
  let utilization = performance.eventLoopUtilization()
  let dueMs = performance.now() + intervalMs

  const timer = setInterval(() => {
    const nowMs = performance.now()
    const lateMs = Math.max(0, nowMs - dueMs)
    dueMs = nowMs + intervalMs
    const meanDelayMs = histogram.count > 0 ? Math.max(0, histogram.mean / 1e6 - RESOLUTION_MS) : lateMs
    histogram.reset()
    const current = performance.eventLoopUtilization()
    const busy = performance.eventLoopUtilization(current, utilization).utilization
    utilization = current
    const memory = process.memoryUsage()
    onSample(
      {
        eventLoopDelayMs: Math.max(meanDelayMs, lateMs),
        eventLoopUtilization: busy,
        heapUsedBytes: memory.heapUsed,
        rssBytes: memory.rss,
      },
      nowMs,
    )
  }, intervalMs)
  timer.unref()

  return {
    close() {
      clearInterval(timer)
      histogram.disable()
    },
  }
}
