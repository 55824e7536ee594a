import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { createCheckRunner } from '../../../src/platform/health/checks.ts'

describe('createCheckRunner', () => {
  it('reports ok when every check passes', async () => {
    const runner = createCheckRunner({ cacheMs: 0, timeoutMs: 100 })
    runner.add({ name: 'db', check: async () => undefined })

    const report = await runner.run()

    assert.equal(report.ok, true)
    assert.equal(report.checks.db?.status, 'ok')
  })

  it('fails on a critical check that throws or exceeds its timeout, and only reports a non-critical one', async () => {
    const runner = createCheckRunner({ cacheMs: 0, timeoutMs: 50 })
    runner.add({ name: 'slow', check: () => sleep(1000) })
    runner.add({ name: 'broken', check: async () => Promise.reject(new Error('refused')) })
    runner.add({ name: 'optional', critical: false, check: async () => Promise.reject(new Error('down')) })

    const started = performance.now()
    const report = await runner.run()

    assert.ok(performance.now() - started < 500, 'bounded by the timeout')
    assert.equal(report.ok, false)
    assert.match(report.checks.slow?.error ?? '', /no answer within 50 ms/)
    assert.equal(report.checks.broken?.error, 'refused')
    assert.equal(report.checks.optional?.critical, false)
  })

  it('passes an abort signal that fires at the timeout, so a check can release its resources', async () => {
    const runner = createCheckRunner({ cacheMs: 0, timeoutMs: 30 })
    let aborted = false
    runner.add({
      name: 'db',
      check: (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true
            resolve()
          })
        }),
    })

    await runner.run()

    assert.equal(aborted, true)
  })

  it('runs checks once for concurrent callers and reuses the report within cacheMs', async () => {
    const runner = createCheckRunner({ cacheMs: 60_000, timeoutMs: 100 })
    let calls = 0
    runner.add({
      name: 'db',
      check: async () => {
        calls += 1
        await sleep(10)
      },
    })

    await Promise.all([runner.run(), runner.run(), runner.run()])
    await runner.run()

    assert.equal(calls, 1)
  })

  it('refuses two checks with the same name', () => {
    const runner = createCheckRunner({ cacheMs: 0, timeoutMs: 100 })
    runner.add({ name: 'db', check: async () => undefined })

    assert.throws(() => runner.add({ name: 'db', check: async () => undefined }), /already registered/)
  })
})
