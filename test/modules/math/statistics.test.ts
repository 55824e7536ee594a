import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../../../src/platform/errors/app-error.ts'
import { MAX_MODES, describe as describeSample } from '../../../src/modules/math/statistics.ts'

function assertClose(actual: number | null, expected: number): void {
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= Math.abs(expected) * 1e-12,
    `${actual} ≉ ${expected}`,
  )
}

describe('describe (statistics)', () => {
  it('describes an even-sized sample with hand-computed values', () => {
    const statistics = describeSample([2, 4, 4, 4, 5, 5, 7, 9], [0, 0.25, 0.5, 0.75, 1])

    assert.deepEqual(statistics, {
      count: 8,
      sum: 40,
      mean: 5,
      median: 4.5,
      modes: [4],
      variance_population: 4,
      variance_sample: 32 / 7,
      stddev_population: 2,
      stddev_sample: Math.sqrt(32 / 7),
      min: 2,
      max: 9,
      quantiles: [
        { q: 0, value: 2 },
        { q: 0.25, value: 4 },
        { q: 0.5, value: 4.5 },
        { q: 0.75, value: 5.5 },
        { q: 1, value: 9 },
      ],
    })
  })

  it('describes an odd-sized sample in any order, with the middle value as median', () => {
    const statistics = describeSample([3, 1, 2], [0.25])

    assert.equal(statistics.median, 2)
    assert.equal(statistics.mean, 2)
    assert.equal(statistics.variance_population, 2 / 3)
    assert.equal(statistics.variance_sample, 1)
    assert.deepEqual(statistics.quantiles, [{ q: 0.25, value: 1.5 }])
  })

  it('describes a single value, without sample variance', () => {
    assert.deepEqual(describeSample([7], [0, 0.5, 1]), {
      count: 1,
      sum: 7,
      mean: 7,
      median: 7,
      modes: [7],
      variance_population: 0,
      variance_sample: null,
      stddev_population: 0,
      stddev_sample: null,
      min: 7,
      max: 7,
      quantiles: [
        { q: 0, value: 7 },
        { q: 0.5, value: 7 },
        { q: 1, value: 7 },
      ],
    })
  })

  it('answers the quantiles in the order they were asked', () => {
    const { quantiles } = describeSample([10, 20, 30, 40, 50], [0.9, 0.1])

    assert.deepEqual(quantiles, [
      { q: 0.9, value: 46 },
      { q: 0.1, value: 14 },
    ])
  })

  it('answers no quantiles when none are asked', () => {
    assert.deepEqual(describeSample([1, 2]).quantiles, [])
  })

  it('lists every value that shares the highest frequency, ascending', () => {
    assert.deepEqual(describeSample([3, 1, 3, 2, 1]).modes, [1, 3])
  })

  it('lists every value as a mode when each occurs once', () => {
    assert.deepEqual(describeSample([5, -1, 2]).modes, [-1, 2, 5])
  })

  it(`keeps the ${MAX_MODES} smallest modes when there are more`, () => {
    const values = Array.from({ length: 150 }, (_, index) => 150 - index)

    const { modes } = describeSample(values)

    assert.equal(modes.length, MAX_MODES)
    assert.equal(modes[0], 1)
    assert.equal(modes.at(-1), MAX_MODES)
  })

  it('sums with compensation, so 1e16 + 1 - 1e16 is 1', () => {
    assert.equal(describeSample([1e16, 1, -1e16]).sum, 1)
  })

  it('keeps the variance of large, close values exact (no catastrophic cancellation)', () => {
    const statistics = describeSample([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16])

    assert.equal(statistics.mean, 1e9 + 10)
    assert.equal(statistics.variance_sample, 30)
    assert.equal(statistics.variance_population, 22.5)
  })

  it('answers a variance of exactly 0 and the exact mean for repeated 0.1', () => {
    const statistics = describeSample([0.1, 0.1, 0.1])

    assert.equal(statistics.mean, 0.1)
    assert.equal(statistics.variance_population, 0)
    assert.equal(statistics.variance_sample, 0)
  })

  it('computes a variance whose largest squared deviation alone would overflow', () => {
    const values = [1.5e154, 0, 0, 0, 0, 0, 0, 0, 0, 0]

    const statistics = describeSample(values)

    assertClose(statistics.variance_population, 2.025e307)
    assertClose(statistics.stddev_population, 4.5e153)
  })

  it('answers RESULT_NOT_FINITE when the sum overflows', () => {
    assert.throws(
      () => describeSample([1e308, 1e308]),
      (error: unknown) =>
        error instanceof AppError && error.code === 'RESULT_NOT_FINITE' && error.status === 422,
    )
  })

  it('answers RESULT_NOT_FINITE when the variance overflows', () => {
    assert.throws(
      () => describeSample([1.5e308, -1.5e308]),
      (error: unknown) => error instanceof AppError && error.code === 'RESULT_NOT_FINITE',
    )
  })

  it('answers RESULT_NOT_FINITE for an infinite or NaN value, as JSON 1e999 parses to Infinity', () => {
    for (const value of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      assert.throws(
        () => describeSample([1, value]),
        (error: unknown) => error instanceof AppError && error.code === 'RESULT_NOT_FINITE',
      )
    }
  })

  it('refuses an empty sample and quantiles outside [0, 1] with a RangeError', () => {
    assert.throws(() => describeSample([]), RangeError)
    assert.throws(() => describeSample([1], [1.5]), RangeError)
    assert.throws(() => describeSample([1], [-0.1]), RangeError)
  })

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2]

    describeSample(values)

    assert.deepEqual(values, [3, 1, 2])
  })
})
