// Which store a process decides with: the primary's when this process is one of several workers, else its
// own.
import cluster from 'node:cluster'
import { createClusterLimitClient } from './cluster-store.ts'
import { createSlidingLogStore, type RateStore } from './sliding-log.ts'

export interface LocalStoreOptions {
  maxKeys: number
  /** Workers on this machine (config.workers.count). */
  workers: number
  /** How long a worker waits for the primary's decision. */
  timeoutMs: number
  onFallback?: (active: boolean) => void
}

/** This machine's store: the primary's for a worker, else one in this process. */
export function createLocalStore(options: LocalStoreOptions): RateStore & { close(): void } {
  if (!cluster.isWorker || options.workers <= 1) {
    const store = createSlidingLogStore(options.maxKeys)
    return { take: store.take, close: () => undefined }
  }
  return createClusterLimitClient({
    timeoutMs: options.timeoutMs,
    fallback: createSlidingLogStore(options.maxKeys),
    share: 1 / options.workers,
    onFallback: options.onFallback,
  })
}
