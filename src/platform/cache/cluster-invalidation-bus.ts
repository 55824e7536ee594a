// Invalidations between the workers of one machine without Redis: a worker's invalidation reaches its own
// caches at once and, through the primary, every other worker's, within an IPC round (well under a
// millisecond on an idle machine). A worker started later begins with empty caches, so it missed nothing.
import type { Worker } from 'node:cluster'
import { createLocalInvalidationBus, invalidationOf, type Invalidation, type InvalidationBus } from './bus.ts'

const PUBLISH = 'cache:invalidate'
const DELIVER = 'cache:invalidated'

interface BusMessage extends Invalidation {
  type: typeof PUBLISH | typeof DELIVER
}

function messageOf(message: unknown, type: BusMessage['type']): Invalidation | undefined {
  if ((message as { type?: unknown } | null)?.type !== type) return undefined
  return invalidationOf(message)
}

/**
 * The primary's side: hands every worker's invalidation to every other worker. `cluster` is the cluster
 * module (or a test's); returns a function that stops relaying.
 */
export function relayClusterInvalidations(cluster: {
  on(event: 'message', listener: (worker: Worker, message: unknown) => void): unknown
  off(event: 'message', listener: (worker: Worker, message: unknown) => void): unknown
  readonly workers?: NodeJS.Dict<Worker>
}): () => void {
  const listener = (from: Worker, message: unknown) => {
    const invalidation = messageOf(message, PUBLISH)
    if (invalidation === undefined) return
    const delivery: BusMessage = { type: DELIVER, ...invalidation }
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker === undefined || worker === from || !worker.isConnected()) continue
      worker.send(delivery, () => undefined)
    }
  }
  cluster.on('message', listener)
  return () => cluster.off('message', listener)
}

/** A worker's side; outside a cluster worker (no IPC channel) it is a bus of this process only. */
export function createClusterInvalidationBus(): InvalidationBus & { close(): void } {
  const local = createLocalInvalidationBus()
  const listener = (message: unknown) => {
    const invalidation = messageOf(message, DELIVER)
    if (invalidation !== undefined) local.publish(invalidation)
  }
  process.on('message', listener)
  return {
    publish(invalidation) {
      local.publish(invalidation)
      if (process.send === undefined || !process.connected) return
      const message: BusMessage = { type: PUBLISH, ...invalidation }
      process.send(message, undefined, {}, () => undefined)
    },
    subscribe: (listener) => local.subscribe(listener),
    close: () => {
      process.off('message', listener)
    },
  }
}
