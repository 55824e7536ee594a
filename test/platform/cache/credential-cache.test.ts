import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  createCredentialCache,
  createLocalInvalidationBus,
  type Invalidation,
} from '../../../src/platform/cache/credential-cache.ts'

describe('credential cache', () => {
  it('answers an entry until ttlMs after the time its value was read', () => {
    const cache = createCredentialCache<string>({ name: 'c', ttlMs: 1000, maxEntries: 10 })

    cache.set('k', 'v', 5000)

    assert.equal(cache.get('k', 5999), 'v')
    assert.equal(cache.get('k', 6000), undefined)
  })

  it('drops the oldest entry to stay within maxEntries', () => {
    const cache = createCredentialCache<number>({ name: 'c', ttlMs: 1000, maxEntries: 2 })

    cache.set('a', 1, 0)
    cache.set('b', 2, 0)
    cache.set('c', 3, 0)

    assert.equal(cache.size, 2)
    assert.equal(cache.get('a', 1), undefined)
    assert.equal(cache.get('c', 1), 3)
  })

  it('forgets one key or every key at once, before invalidate returns', () => {
    const cache = createCredentialCache<number>({ name: 'c', ttlMs: 1000, maxEntries: 10 })
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('c', 3)

    cache.invalidate('a')
    assert.deepEqual([cache.get('a'), cache.get('b')], [undefined, 2])
    cache.invalidateAll()

    assert.equal(cache.size, 0)
  })

  it('reaches every cache of the same name on the bus, and only those', () => {
    const bus = createLocalInvalidationBus()
    const here = createCredentialCache<number>({ name: 'keys', ttlMs: 1000, maxEntries: 10, bus })
    const elsewhere = createCredentialCache<number>({ name: 'keys', ttlMs: 1000, maxEntries: 10, bus })
    const other = createCredentialCache<number>({ name: 'tokens', ttlMs: 1000, maxEntries: 10, bus })
    for (const cache of [here, elsewhere, other]) cache.set('k', 1)

    here.invalidateAll()

    assert.deepEqual([here.get('k'), elsewhere.get('k'), other.get('k')], [undefined, undefined, 1])
  })

  it('publishes its invalidations on the bus, so a shared bus can broadcast them', () => {
    const bus = createLocalInvalidationBus()
    const seen: Invalidation[] = []
    const unsubscribe = bus.subscribe((invalidation) => seen.push(invalidation))
    const cache = createCredentialCache<number>({ name: 'tokens', ttlMs: 1000, maxEntries: 10, bus })

    cache.invalidate('jti')
    cache.invalidateAll()
    unsubscribe()
    cache.invalidateAll()

    assert.deepEqual(seen, [{ cache: 'tokens', key: 'jti' }, { cache: 'tokens' }])
  })
})
