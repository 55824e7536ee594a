// Which store a process decides with: Redis when configured (every instance shares one log), else the
// primary's when this process is one of several workers, else its own. Redis falls back to the local store
// with this instance's share of each limit, never to no limit.
import cluster from 'node:cluster'
import { createClusterLimitClient } from './cluster-store.ts'
import { createSlidingLogStore, type RateDecision, type RatePolicy, type RateStore } from './sliding-log.ts'
import { createFallbackSwitch } from '../health/degraded.ts'

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

export interface SharedStoreOptions {
  /** The store every instance shares (Redis). */
  shared: RateStore
  /** This machine's store, used while the shared one fails. */
  local: RateStore
  /** Instances sharing the limits (EXPECTED_INSTANCES): the local store counts 1 / instances of a limit. */
  instances: number
  /** Told when the shared store fails and when it answers again (the degraded gauge and its log lines). */
  onFallback: (active: boolean, error?: unknown) => void
}

/**
 * Decides on the shared store; while it fails, on the local one with this instance's share of the limit.
 * A decision the shared store makes at once (a slot it reserved earlier) is passed on without a promise.
 */
export function createSharedStore(options: SharedStoreOptions): RateStore {
  const fallback = createFallbackSwitch((active: boolean, error?: unknown) => {
    options.onFallback(active, error)
  })
  const answered = (decision: RateDecision) => {
    fallback.answered()
    return decision
  }
  const local = (key: string, policy: RatePolicy) =>
    options.local.take(key, { ...policy, limit: Math.max(1, Math.floor(policy.limit / options.instances)) })
  return {
    take(key, policy) {
      const decision = options.shared.take(key, policy)
      if (!(decision instanceof Promise)) return answered(decision)
      return decision.then(answered, (error: unknown) => {
        fallback.failed(error)
        return local(key, policy)
      })
    },
  }
}
