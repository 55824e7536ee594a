// Samples what overload looks like in this process: every interval, the event loop's longest delay (perf_hooks'
// histogram) and utilisation, the V8 heap in use and the resident memory; and a heartbeat every few
// milliseconds, by which a request can tell that the loop turn it arrived in has run too long.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import type { OverloadSample } from './overload.ts'

/** The histogram's timer period, and the heartbeat's: both measure the loop's delay to this precision. */
export const HEARTBEAT_MS = 10

export interface OverloadSamplerCallbacks {
  onSample(sample: OverloadSample, nowMs: number): void
  /** Every HEARTBEAT_MS while the event loop runs timers: the time it last did. */
  onBeat(nowMs: number): void
}

export interface OverloadSampler {
  /** Stops the timers and the histogram. */
  close(): void
}

/**
 * Samples every `intervalMs` (the timers do not keep the process alive). The delay is the longest one the
 * histogram saw in the interval, or the sampler's own lateness when longer: a loop blocked for the whole
 * interval gives the histogram no sample.
 */
export function startOverloadSampler(
  intervalMs: number,
  callbacks: OverloadSamplerCallbacks,
): OverloadSampler {
  const histogram = monitorEventLoopDelay({ resolution: HEARTBEAT_MS })
  histogram.enable()
  let utilization = performance.eventLoopUtilization()
  let dueMs = performance.now() + intervalMs

  const sampler = setInterval(() => {
    const nowMs = performance.now()
    const lateMs = Math.max(0, nowMs - dueMs)
    dueMs = nowMs + intervalMs
    // Each histogram value is the time between two of its timer's runs: the period plus the delay.
    const maxDelayMs = histogram.count > 0 ? Math.max(0, histogram.max / 1e6 - HEARTBEAT_MS) : 0
    histogram.reset()
    const current = performance.eventLoopUtilization()
    const busy = performance.eventLoopUtilization(current, utilization).utilization
    utilization = current
    const memory = process.memoryUsage()
    const sample = {
      eventLoopDelayMs: Math.max(maxDelayMs, lateMs),
      eventLoopUtilization: busy,
      heapUsedBytes: memory.heapUsed,
      rssBytes: memory.rss,
    }
    callbacks.onSample(sample, nowMs)
  }, intervalMs)
  sampler.unref()
  const heartbeat = setInterval(() => callbacks.onBeat(performance.now()), HEARTBEAT_MS)
  heartbeat.unref()

  return {
    close() {
      clearInterval(sampler)
      clearInterval(heartbeat)
      histogram.disable()
    },
  }
}
