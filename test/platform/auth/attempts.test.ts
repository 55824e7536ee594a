import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createMemoryAttemptStore } from '../../../src/platform/auth/attempts.ts'

const POLICY = { threshold: 3, windowMs: 60_000, baseLockMs: 1000, maxLockMs: 8000 }

describe('memory attempt store', () => {
  it('locks after the threshold, and each further lock-out doubles up to the maximum', async () => {
    const store = createMemoryAttemptStore(POLICY)
    let now = 0
    const locks: number[] = []
    for (let round = 0; round < 5; round++) {
      let lock = 0
      for (let failure = 0; failure < 3; failure++) lock = await store.recordFailure('k', (now += 10))
      locks.push(lock)
      assert.ok((await store.lockedFor('k', now)) > 0)
      now += lock
      assert.equal(await store.lockedFor('k', now), 0)
    }
    assert.deepEqual(locks, [1000, 2000, 4000, 8000, 8000])
  })

  it('does not lock below the threshold, and forgets failures outside the window', async () => {
    const store = createMemoryAttemptStore(POLICY)

    assert.equal(await store.recordFailure('k', 0), 0)
    assert.equal(await store.recordFailure('k', 1), 0)
    assert.equal(await store.recordFailure('k', 70_000), 0)
    assert.equal(await store.lockedFor('k', 70_001), 0)
  })

  it('reset clears failures and the current lock-out', async () => {
    const store = createMemoryAttemptStore(POLICY)
    for (let failure = 0; failure < 3; failure++) await store.recordFailure('k', 0)

    await store.reset('k')

    assert.equal(await store.lockedFor('k', 1), 0)
    assert.equal(await store.recordFailure('k', 2), 0)
  })

  it('keeps at most maxKeys entries, dropping the oldest', async () => {
    const store = createMemoryAttemptStore({ ...POLICY, threshold: 1 }, 2)
    await store.recordFailure('a', 0)
    await store.recordFailure('b', 0)
    await store.recordFailure('c', 0)

    assert.equal(await store.lockedFor('a', 1), 0)
    assert.ok((await store.lockedFor('c', 1)) > 0)
  })
})
