// Reserved slots of busy keys: sized on the demand seen over one lease (at most limit / 64, none below 4),
// one reservation in flight per key, used only before the lease of the call that reserved them ends.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createGrantBook, LEASE_MS, RESERVE_DIVISOR } from '../../../src/platform/rate-limit/redis-grants.ts'

const BUSY = { name: 'busy', limit: 64_000, windowMs: 60_000 }
const answer = (slots: number, sentAtMs: number) => ({ slots, sentAtMs, remaining: 500, resetMs: 60_000 })

/** `takes` decisions asked for at `now`, none of them decided from a reservation. */
function ask(book: ReturnType<typeof createGrantBook>, takes: number, now: number) {
  for (let take = 0; take < takes; take += 1) assert.equal(book.use('k', now), undefined)
}

describe('reserved slots', () => {
  it('reserves nothing for a key Redis has not answered for yet', () => {
    const book = createGrantBook(10)

    assert.equal(book.use('k', 0), undefined)
    assert.equal(book.reserveFor('k', BUSY, 0), 0)
  })

  it('reserves the demand of one lease, at most limit / RESERVE_DIVISOR, and none below four slots', () => {
    const book = createGrantBook(10)
    book.answer('k', answer(0, 0), 0)
    ask(book, 30, 10)
    assert.equal(book.reserveFor('k', BUSY, 10), (30 * LEASE_MS) / 10)

    book.answer('k', answer(0, 10), 10)
    ask(book, 5000, 11)
    assert.equal(book.reserveFor('k', BUSY, 11), BUSY.limit / RESERVE_DIVISOR)

    book.answer('k', answer(0, 11), 11)
    ask(book, 1, 100)
    assert.equal(book.reserveFor('k', BUSY, 100), 0, 'one request in 89 ms: not busy')
  })

  it('asks for no second reservation while one is on its way', () => {
    const book = createGrantBook(10)
    book.answer('k', answer(0, 0), 0)
    ask(book, 100, 1)

    assert.ok(book.reserveFor('k', BUSY, 1) > 0)
    assert.equal(book.reserveFor('k', BUSY, 1), 0)
  })

  it('decides from the slots until they run out or the lease ends, remaining counting down', () => {
    const book = createGrantBook(10)
    book.answer('k', answer(2, 0), 5)

    assert.deepEqual(book.use('k', 6), { allowed: true, remaining: 499, resetMs: 59_999 })
    assert.equal(book.use('k', LEASE_MS), undefined, 'the lease of a call sent at 0 ends at LEASE_MS')
  })

  it('adds new slots to those still usable, all then used before the earlier deadline', () => {
    const book = createGrantBook(10)
    book.answer('k', answer(1, 0), 1)
    book.answer('k', answer(2, 20), 21)

    assert.ok(book.use('k', 30) !== undefined)
    assert.ok(book.use('k', 31) !== undefined)
    assert.ok(book.use('k', 32) !== undefined)
    assert.equal(book.use('k', 33), undefined, 'three slots')
    book.answer('k', answer(1, 0), 1)
    book.answer('k', answer(1, 20), 21)
    assert.equal(book.use('k', LEASE_MS), undefined, 'the earlier lease ended')
  })

  it('forgets every reservation when cleared', () => {
    const book = createGrantBook(10)
    book.answer('k', answer(5, 0), 0)

    book.clear()

    assert.equal(book.use('k', 1), undefined)
  })
})
