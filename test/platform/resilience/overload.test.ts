// The overload decision: which threshold a sample crosses, and the admitted share as samples come in.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  ADMIT_RATIO_STEP,
  createOverloadState,
  exceededLimit,
  MIN_ADMIT_RATIO,
  type Exceeded,
  type OverloadLimits,
  type OverloadSample,
} from '../../../src/platform/resilience/overload.ts'

const MIB = 1024 * 1024
const LIMITS: OverloadLimits = {
  maxEventLoopDelayMs: 100,
  maxEventLoopUtilization: 0.9,
  maxHeapUsedBytes: 384 * MIB,
  maxRssBytes: 480 * MIB,
}
const CALM: OverloadSample = {
  eventLoopDelayMs: 2,
  eventLoopUtilization: 0.2,
  heapUsedBytes: 60 * MIB,
  rssBytes: 150 * MIB,
}
const BUSY: OverloadSample = { ...CALM, eventLoopDelayMs: 250 }

function recordingState(limits = LIMITS) {
  const entered: Exceeded[] = []
  const left: number[] = []
  const state = createOverloadState(limits, {
    onEnter: (exceeded) => entered.push(exceeded),
    onLeave: (_sample, overloadedMs) => left.push(overloadedMs),
  })
  return { state, entered, left }
}

describe('exceededLimit', () => {
  it('names no threshold for a sample under all of them', () => {
    assert.equal(exceededLimit(CALM, LIMITS), undefined)
  })

  it('names each threshold a sample is over, with the value and the limit', () => {
    assert.deepEqual(exceededLimit(BUSY, LIMITS), { reason: 'event_loop_delay', value: 250, limit: 100 })
    assert.equal(
      exceededLimit({ ...CALM, eventLoopUtilization: 0.95 }, LIMITS)?.reason,
      'event_loop_utilization',
    )
    assert.equal(exceededLimit({ ...CALM, heapUsedBytes: 400 * MIB }, LIMITS)?.reason, 'heap_used')
    assert.equal(exceededLimit({ ...CALM, rssBytes: 500 * MIB }, LIMITS)?.reason, 'rss')
  })

  it('treats a value equal to its threshold as under it', () => {
    assert.equal(exceededLimit({ ...CALM, eventLoopDelayMs: 100 }, LIMITS), undefined)
  })

  it('ignores a threshold set to 0', () => {
    const off = { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0, maxHeapUsedBytes: 0, maxRssBytes: 0 }

    assert.equal(
      exceededLimit({ ...BUSY, eventLoopUtilization: 1, heapUsedBytes: 1e12, rssBytes: 1e12 }, off),
      undefined,
    )
  })
})

describe('createOverloadState', () => {
  it('admits every request while samples stay under the thresholds', () => {
    const { state, entered } = recordingState()

    state.update(CALM, 0)

    assert.equal(state.overloaded, false)
    assert.equal(state.admitRatio, 1)
    assert.equal(state.shouldShed(0.999), false)
    assert.deepEqual(entered, [])
  })

  it('does not enter overload on one sample over a threshold (one long task is not overload)', () => {
    const { state, entered } = recordingState()

    state.update(BUSY, 0)
    state.update(CALM, 250)
    state.update(BUSY, 500)

    assert.equal(state.overloaded, false)
    assert.equal(state.admitRatio, 1)
    assert.deepEqual(entered, [])
  })

  it('enters overload on the second sample in a row over a threshold, admitting half, and reports it once', () => {
    const { state, entered } = recordingState()

    state.update(BUSY, 0)
    state.update(BUSY, 250)
    const ratioOnEntering = state.admitRatio
    state.update(BUSY, 500)

    assert.equal(state.overloaded, true)
    assert.equal(state.reason, 'event_loop_delay')
    assert.equal(ratioOnEntering, 0.5)
    assert.equal(state.admitRatio, 0.25)
    assert.deepEqual(entered, [{ reason: 'event_loop_delay', value: 250, limit: 100 }])
  })

  it('sheds a request whose draw is at or above the admitted share', () => {
    const { state } = recordingState()

    state.update(BUSY, 0)
    state.update(BUSY, 0)

    assert.equal(state.shouldShed(0.49), false)
    assert.equal(state.shouldShed(0.5), true)
  })

  it('never admits less than MIN_ADMIT_RATIO however long the overload lasts', () => {
    const { state } = recordingState()

    for (let index = 0; index < 20; index++) state.update(BUSY, index * 250)

    assert.equal(state.admitRatio, MIN_ADMIT_RATIO)
  })

  it('leaves overload once calm samples have brought admission back to all, and reports it once with its duration', () => {
    const { state, left } = recordingState()
    state.update(BUSY, -250)
    state.update(BUSY, 0)
    const calmSamplesNeeded = Math.ceil((1 - 0.5) / ADMIT_RATIO_STEP)

    for (let index = 1; index < calmSamplesNeeded; index++) state.update(CALM, index * 250)
    const stillOverloaded = state.overloaded
    state.update(CALM, calmSamplesNeeded * 250)
    state.update(CALM, (calmSamplesNeeded + 1) * 250)

    assert.equal(stillOverloaded, true)
    assert.equal(state.overloaded, false)
    assert.equal(state.reason, undefined)
    assert.equal(state.admitRatio, 1)
    assert.deepEqual(left, [calmSamplesNeeded * 250])
  })

  it('stays in one overload while samples alternate over and under a threshold', () => {
    const { state, entered, left } = recordingState()

    state.update(BUSY, -250)
    for (let index = 0; index < 10; index++) state.update(index % 2 === 0 ? BUSY : CALM, index * 250)

    assert.equal(state.overloaded, true)
    assert.equal(entered.length, 1)
    assert.deepEqual(left, [])
  })

  it('reports the threshold of the latest sample over one', () => {
    const { state } = recordingState()

    state.update(BUSY, 0)
    state.update(BUSY, 0)
    state.update({ ...CALM, heapUsedBytes: 400 * MIB }, 250)

    assert.equal(state.reason, 'heap_used')
  })
})
