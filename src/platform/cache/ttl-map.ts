// A bounded in-process map whose entries expire: for short-lived copies of rows that change rarely
// (credentials), where "at most ttlMs stale" is the whole consistency promise.

export interface TtlMap<V> {
  get(key: string, now?: number): V | undefined
  set(key: string, value: V, now?: number): void
  delete(key: string): void
  clear(): void
  readonly size: number
}

export function createTtlMap<V>(ttlMs: number, maxEntries: number): TtlMap<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>()
  return {
    get(key, now = Date.now()) {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (entry.expiresAt <= now) {
        entries.delete(key)
        return undefined
      }
      return entry.value
    },
    set(key, value, now = Date.now()) {
      entries.delete(key)
      if (entries.size >= maxEntries) {
        // Insertion order is age order: drop the oldest.
        const oldest = entries.keys().next()
        if (oldest.done !== true) entries.delete(oldest.value)
      }
      entries.set(key, { value, expiresAt: now + ttlMs })
    },
    delete(key) {
      entries.delete(key)
    },
    clear() {
      entries.clear()
    },
    get size() {
      return entries.size
    },
  }
}
