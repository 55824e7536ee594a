// Limits shared by the workers of one machine without Redis: the primary holds the sliding logs and each
// worker asks it over the cluster IPC channel, so a limit of 100/min is 100/min with 1 or 8 workers. A worker
// that gets no answer in time (a primary busy or gone) decides from its own log with its share of the limit.
import type { Worker } from 'node:cluster'
import { createSlidingLogStore, type RateDecision, type RatePolicy, type RateStore } from './sliding-log.ts'
import { createFallbackSwitch } from '../health/degraded.ts'

interface TakeMessage {
  type: 'rate-limit:take'
  id: number
  key: string
  limit: number
  windowMs: number
}

interface DecisionMessage extends RateDecision {
  type: 'rate-limit:decision'
  id: number
}

function isTake(message: unknown): message is TakeMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'rate-limit:take'
  )
}

function isDecision(message: unknown): message is DecisionMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'rate-limit:decision'
  )
}

/**
 * The primary's side: answers every worker's question from one store. `on` is the cluster module's (or a
 * test's) message event; returns a function that stops answering.
 */
export function serveClusterLimits(
  cluster: {
    on(event: 'message', listener: (worker: Worker, message: unknown) => void): unknown
    off(event: 'message', listener: (worker: Worker, message: unknown) => void): unknown
  },
  maxKeys: number,
) {
  const store = createSlidingLogStore(maxKeys)
  const policy = { name: '', limit: 0, windowMs: 0 }
  const listener = (worker: Worker, message: unknown) => {
    if (!isTake(message)) return
    policy.limit = message.limit
    policy.windowMs = message.windowMs
    const decision = store.take(message.key, policy)
    if (worker.isConnected()) {
      worker.send({ type: 'rate-limit:decision', id: message.id, ...decision } satisfies DecisionMessage)
    }
  }
  cluster.on('message', listener)
  return { stop: () => cluster.off('message', listener), size: () => store.size() }
}

export interface ClusterClientOptions {
  /** How long a worker waits for the primary before deciding alone. */
  timeoutMs: number
  /** The worker's own store for that case, counting `share` of each limit (1 / WORKERS). */
  fallback: RateStore
  share: number
  /** Told when the primary stops or starts answering in time (the degraded gauge and its log lines). */
  onFallback?: (active: boolean) => void
}

/** A worker's side. */
export function createClusterLimitClient(options: ClusterClientOptions): RateStore & { close(): void } {
  const pending = new Map<number, { resolve: (decision: RateDecision) => void; timer: NodeJS.Timeout }>()
  let nextId = 0
  const fallback = createFallbackSwitch<undefined>((active) => options.onFallback?.(active))
  const setFallback = (active: boolean) => {
    if (active) fallback.failed(undefined)
    else fallback.answered()
  }
  const listener = (message: unknown) => {
    if (!isDecision(message)) return
    const waiting = pending.get(message.id)
    if (waiting === undefined) return
    pending.delete(message.id)
    clearTimeout(waiting.timer)
    setFallback(false)
    waiting.resolve({ allowed: message.allowed, remaining: message.remaining, resetMs: message.resetMs })
  }
  process.on('message', listener)

  const local = (key: string, policy: RatePolicy) =>
    options.fallback.take(key, { ...policy, limit: Math.max(1, Math.floor(policy.limit * options.share)) })

  return {
    take(key, policy) {
      if (process.send === undefined || !process.connected) {
        setFallback(true)
        return local(key, policy)
      }
      nextId = (nextId + 1) % Number.MAX_SAFE_INTEGER
      const id = nextId
      return new Promise<RateDecision>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          setFallback(true)
          resolve(local(key, policy))
        }, options.timeoutMs)
        pending.set(id, { resolve, timer })
        process.send?.({ type: 'rate-limit:take', id, key, limit: policy.limit, windowMs: policy.windowMs })
      })
    },
    close() {
      process.off('message', listener)
      for (const { timer } of pending.values()) clearTimeout(timer)
      pending.clear()
    },
  }
}
