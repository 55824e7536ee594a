// Resources a process opened, closed in the reverse order of their opening: whoever opens one adds it here
// in the same place, so a resource is never closed while something opened after it still needs it (the
// API-key service flushing last_used_at into a database that was already closed).

/** Logs a resource that failed or timed out while closing; the rest still close. */
export interface CloseLogger {
  warn(details: object, message: string): void
}

export interface CloseRegistry {
  /** Registers a resource right after it is opened; `close` must be safe to call once. */
  add(name: string, close: () => Promise<void> | void): void
  /** Closes every resource, newest first, each bounded by `timeoutMs`; safe to call more than once. */
  closeAll(): Promise<void>
}

export interface CloseRegistryOptions {
  log: CloseLogger
  /** How long one resource may take to close before the next one is closed anyway (default 5000). */
  timeoutMs?: number
}

export function createCloseRegistry(options: CloseRegistryOptions): CloseRegistry {
  const { log, timeoutMs = 5000 } = options
  const resources: { name: string; close: () => Promise<void> | void }[] = []
  let closing: Promise<void> | undefined

  async function closeOne(name: string, close: () => Promise<void> | void): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, 'timeout')
    })
    try {
      const outcome = await Promise.race([Promise.resolve().then(close), timedOut])
      if (outcome === 'timeout') log.warn({ resource: name, timeout_ms: timeoutMs }, 'close timed out')
    } catch (error) {
      log.warn({ resource: name, error }, 'close failed')
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    add(name, close) {
      resources.push({ name, close })
    },
    closeAll() {
      closing ??= (async () => {
        for (const { name, close } of resources.toReversed()) await closeOne(name, close)
      })()
      return closing
    },
  }
}
