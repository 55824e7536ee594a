import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Registry } from 'prom-client'
import { createDegradationTracker } from '../../../src/platform/health/degraded.ts'

function track() {
  const lines: { level: string; details: Record<string, unknown>; message: string }[] = []
  const log = {
    warn: (details: object, message: string) =>
      void lines.push({ level: 'warn', details: details as Record<string, unknown>, message }),
    info: (details: object, message: string) =>
      void lines.push({ level: 'info', details: details as Record<string, unknown>, message }),
  }
  const tracker = createDegradationTracker({ log })
  const registry = new Registry()
  tracker.registerMetrics(registry)
  return { tracker, lines, registry }
}

describe('the degradation tracker', () => {
  it('logs one warning when a dependency degrades, however often it is marked', () => {
    const { tracker, lines } = track()

    for (let request = 0; request < 100; request += 1) tracker.markDegraded('redis', `failure ${request}`)

    assert.deepEqual(lines, [
      {
        level: 'warn',
        details: { dependency: 'redis', reason: 'failure 0' },
        message: 'dependency degraded',
      },
    ])
    assert.equal(tracker.isDegraded('redis'), true)
    assert.equal(tracker.states().redis?.reason, 'failure 0', 'the reason it entered the state with')
  })

  it('logs one info line with the time degraded when it recovers, and none for a dependency never degraded', () => {
    const { tracker, lines } = track()

    tracker.markRecovered('cache')
    tracker.markDegraded('redis', 'connection closed')
    tracker.markRecovered('redis')
    tracker.markRecovered('redis')

    assert.deepEqual(
      lines.map(({ level, message }) => `${level} ${message}`),
      ['warn dependency degraded', 'info dependency recovered'],
    )
    assert.equal(typeof lines[1]?.details.degraded_ms, 'number')
    assert.deepEqual(Object.keys(tracker.states()), ['cache', 'redis'])
    assert.equal(tracker.states().redis?.degraded, false)
    assert.equal(tracker.states().redis?.reason, undefined)
  })

  it('exports dependency_degraded as 1 or 0 per dependency, read at scrape time', async () => {
    const { tracker, registry } = track()
    tracker.markDegraded('redis', 'down')
    tracker.markRecovered('cache')

    const text = await registry.metrics()

    assert.match(text, /^dependency_degraded\{dependency="redis"\} 1$/m)
    assert.match(text, /^dependency_degraded\{dependency="cache"\} 0$/m)
    tracker.markRecovered('redis')
    assert.match(await registry.metrics(), /^dependency_degraded\{dependency="redis"\} 0$/m)
  })

  it('refuses names that are not short lower-case identifiers, so label values stay a small fixed set', () => {
    const { tracker } = track()

    assert.throws(() => tracker.markDegraded('Redis Cache', 'x'), /invalid dependency name/)
    assert.throws(() => tracker.markRecovered(''), /invalid dependency name/)
    for (let index = 0; index < 64; index += 1) tracker.markRecovered(`dep-${index}`)
    assert.throws(() => tracker.markRecovered('one-more'), /more than 64 dependencies/)
  })
})
