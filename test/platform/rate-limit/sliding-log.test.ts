// The sliding log: at most `limit` admitted in any interval of `windowMs`, including across what would be
// a fixed window's boundary; remaining and reset as the RateLimit field reports them; bounded keys.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createSlidingLogStore } from '../../../src/platform/rate-limit/sliding-log.ts'

const POLICY = { name: 'test', limit: 5, windowMs: 1000 }

describe('sliding log', () => {
  it('admits the limit, then refuses until the oldest request leaves the window', () => {
    const store = createSlidingLogStore(100)
    const decisions = [0, 100, 200, 300, 400].map((now) => store.take('k', POLICY, now))
    assert.deepEqual(
      decisions.map((decision) => [decision.allowed, decision.remaining]),
      [
        [true, 4],
        [true, 3],
        [true, 2],
        [true, 1],
        [true, 0],
      ],
    )
    assert.deepEqual(store.take('k', POLICY, 500), { allowed: false, remaining: 0, resetMs: 500 })
    assert.deepEqual(store.take('k', POLICY, 999), { allowed: false, remaining: 0, resetMs: 1 })
    // The first request (at 0) left the window at 1000: one more, and the next slot frees at 1100.
    assert.deepEqual(store.take('k', POLICY, 1000), { allowed: true, remaining: 0, resetMs: 100 })
    assert.equal(store.take('k', POLICY, 1001).allowed, false)
  })

  it('never admits twice the limit around a window boundary (a fixed window would)', () => {
    const store = createSlidingLogStore(100)
    const admitted: number[] = []
    // The limit at the end of one "window" and a flood right after it.
    for (let now = 990; now < 1200; now += 1) if (store.take('k', POLICY, now).allowed) admitted.push(now)
    assert.deepEqual(admitted, [990, 991, 992, 993, 994])
  })

  it('holds the limit in every interval of the window under a random load, with no under-admission', () => {
    const store = createSlidingLogStore(100)
    const policy = { name: 'test', limit: 50, windowMs: 1000 }
    const admitted: number[] = []
    let now = 0
    let seed = 7
    for (let request = 0; request < 20_000; request++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      now += (seed % 100) / 10
      if (store.take('k', policy, now).allowed) admitted.push(now)
    }
    for (let index = policy.limit; index < admitted.length; index++) {
      const span = (admitted[index] ?? 0) - (admitted[index - policy.limit] ?? 0)
      assert.ok(span >= policy.windowMs, `${String(policy.limit + 1)} admitted within ${String(span)} ms`)
    }
    // Every refusal came while the window was full: as many admitted as a perfect limiter would.
    assert.ok(
      admitted.length >= Math.floor(now / policy.windowMs) * policy.limit * 0.95,
      `${admitted.length}`,
    )
  })

  it('counts each key apart and forgets the least recently used beyond maxKeys', () => {
    const store = createSlidingLogStore(1000)
    for (let key = 0; key < 1500; key++) store.take(`k${String(key)}`, POLICY, 0)
    assert.equal(store.size(), 1000)
    for (let count = 0; count < 5; count++) store.take('busy', POLICY, 1)
    assert.equal(store.take('busy', POLICY, 2).allowed, false)
    assert.equal(store.take('other', POLICY, 2).allowed, true)
  })

  it('grows a key log only as far as the key uses it', () => {
    const store = createSlidingLogStore(10)
    const big = { name: 'big', limit: 100_000, windowMs: 60_000 }
    for (let now = 0; now < 1000; now++) assert.equal(store.take('k', big, now).allowed, true)
    assert.equal(store.take('k', big, 1000).remaining, 100_000 - 1001)
  })
})
