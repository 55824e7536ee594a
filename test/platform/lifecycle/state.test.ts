import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLifecycle } from '../../../src/platform/lifecycle/state.ts'

describe('createLifecycle', () => {
  it('moves from starting to ready to draining to stopped', () => {
    const lifecycle = createLifecycle()
    assert.equal(lifecycle.phase, 'starting')

    lifecycle.markReady()
    assert.equal(lifecycle.phase, 'ready')
    assert.equal(lifecycle.isDraining, false)

    lifecycle.startDraining()
    assert.equal(lifecycle.phase, 'draining')
    assert.equal(lifecycle.isDraining, true)

    lifecycle.markStopped()
    assert.equal(lifecycle.phase, 'stopped')
    assert.equal(lifecycle.isDraining, true)
  })

  it('never becomes ready again once draining', () => {
    const lifecycle = createLifecycle()
    lifecycle.startDraining()

    lifecycle.markReady()

    assert.equal(lifecycle.phase, 'draining')
  })
})
