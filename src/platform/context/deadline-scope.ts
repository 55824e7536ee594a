// The deadline of the work in progress (a request), carried through async calls by AsyncLocalStorage so
// that I/O clients deep below a handler can stop and cancel what the deadline abandoned without every
// function taking a signal. A plain object with listeners rather than an AbortController: one is made
// per request, and aborting a controller builds a DOMException with a stack (measured at ~6 % of CPU).
import { AsyncLocalStorage } from 'node:async_hooks'

export class DeadlineScope {
  #expired = false
  #listeners: Set<() => void> | undefined
  /** The request this scope is the deadline of, for the lines written below it (a slow query's). */
  readonly requestId: string | undefined

  constructor(requestId?: string) {
    this.requestId = requestId
  }

  get expired(): boolean {
    return this.#expired
  }

  /** Calls `listener` once when the deadline passes; returns the function that unsubscribes it. */
  onExpire(listener: () => void): () => void {
    this.#listeners ??= new Set()
    this.#listeners.add(listener)
    return () => this.#listeners?.delete(listener)
  }

  expire(): void {
    if (this.#expired) return
    this.#expired = true
    const listeners = this.#listeners
    this.#listeners = undefined
    if (listeners !== undefined) for (const listener of listeners) listener()
  }
}

const storage = new AsyncLocalStorage<DeadlineScope>()

/** Runs `work` (and every async call it starts) inside `scope`. */
export function runInDeadlineScope<R>(scope: DeadlineScope, work: () => R): R {
  return storage.run(scope, work)
}

/** The deadline of the request this code runs for, or undefined outside any (start-up, timers, CLI). */
export function currentDeadlineScope(): DeadlineScope | undefined {
  return storage.getStore()
}

/** Thrown by I/O that refuses to start, or stops waiting, because the request's deadline has passed. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError'
  constructor() {
    super('the request deadline has passed')
  }
}
