import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it, type TestContext } from 'node:test'
import { Registry } from 'prom-client'
import type { BreakerConfig } from '../../../src/platform/config/config.ts'
import { createDegradationTracker } from '../../../src/platform/health/degraded.ts'
import {
  BreakerOpenError,
  createBreakerRegistry,
  MAX_BREAKERS,
} from '../../../src/platform/resilience/breakers.ts'

const SETTINGS: BreakerConfig = {
  errorThresholdPercent: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 200,
  windowMs: 10_000,
}

/** What the dependency throws when it is down, and what it throws for a request it refuses. */
class Outage extends Error {}
class BadInput extends Error {}
const isFailure = (error: unknown) => error instanceof Outage

function setUp(t: TestContext, settings: Partial<BreakerConfig> = {}) {
  const lines: { level: string; details: Record<string, unknown>; message: string }[] = []
  const log = {
    warn: (details: object, message: string) =>
      void lines.push({ level: 'warn', details: details as Record<string, unknown>, message }),
    info: (details: object, message: string) =>
      void lines.push({ level: 'info', details: details as Record<string, unknown>, message }),
  }
  const degradation = createDegradationTracker({ log })
  const registry = createBreakerRegistry({ settings: { ...SETTINGS, ...settings }, log, degradation })
  t.after(() => registry.close())
  const metrics = new Registry()
  registry.registerMetrics(metrics)
  const breakerLines = () => lines.filter((line) => line.details.breaker !== undefined)
  return { registry, degradation, metrics, breakerLines }
}

/** Runs `count` calls that fail with `error`, each awaited. */
async function failTimes(run: (work: () => Promise<never>) => Promise<unknown>, count: number, error: Error) {
  for (let call = 0; call < count; call += 1) {
    await run(() => Promise.reject(error)).catch(() => undefined)
  }
}

describe('the circuit breaker registry', () => {
  it('refuses a second breaker of one name, an invalid name, and more than MAX_BREAKERS', (t) => {
    const { registry } = setUp(t)

    registry.create('postgres', { isFailure })

    assert.throws(() => registry.create('postgres', { isFailure }), /already exists/)
    assert.throws(() => registry.create('Postgres Main', { isFailure }), /invalid circuit breaker name/)
    for (let index = 1; index < MAX_BREAKERS; index += 1)
      registry.create(`dependency_${index}`, { isFailure })
    assert.throws(() => registry.create('one_too_many', { isFailure }), /more than 8 circuit breakers/)
  })

  it('stays closed below the volume threshold, however many of its calls fail', async (t) => {
    const { registry } = setUp(t)
    const breaker = registry.create('postgres', { isFailure })

    await failTimes((work) => breaker.run(work), SETTINGS.volumeThreshold - 1, new Outage('refused'))

    assert.equal(breaker.state(), 'closed')
    assert.equal(await breaker.run(() => Promise.resolve('answered')), 'answered')
  })

  it('never opens on errors that are not the dependency failing (a client error is an answer)', async (t) => {
    const { registry } = setUp(t)
    const breaker = registry.create('postgres', { isFailure })

    await failTimes((work) => breaker.run(work), 50, new BadInput('duplicate key'))

    assert.equal(breaker.state(), 'closed')
    assert.deepEqual(registry.states().postgres?.window, { calls: 50, failures: 0, rejected: 0 })
  })

  it('opens past the threshold and then refuses at once without calling, with the seconds until half-open', async (t) => {
    const { registry } = setUp(t, { resetTimeoutMs: 3_000 })
    const breaker = registry.create('postgres', { isFailure })
    await failTimes((work) => breaker.run(work), SETTINGS.volumeThreshold, new Outage('refused'))
    let called = false

    const refusal = await breaker
      .run(() => {
        called = true
        return Promise.resolve()
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      )

    assert.equal(breaker.state(), 'open')
    assert.equal(called, false, 'an open breaker does not call the dependency')
    assert.ok(refusal instanceof BreakerOpenError)
    assert.equal(refusal.breaker, 'postgres')
    assert.equal(refusal.retryAfterS, 3)
    const status = registry.states().postgres
    assert.equal(status?.state, 'open')
    assert.ok((status.retry_in_ms ?? 0) > 2500 && (status.retry_in_ms ?? 0) <= 3000)
    assert.deepEqual(status.window, { calls: 5, failures: 5, rejected: 1 })
  })

  it('half-opens after the reset timeout, lets one trial through, and closes when it succeeds', async (t) => {
    const { registry, degradation, breakerLines } = setUp(t)
    const breaker = registry.create('postgres', { isFailure })
    await failTimes((work) => breaker.run(work), SETTINGS.volumeThreshold, new Outage('refused'))
    const degradedWhileOpen = degradation.isDegraded('breaker:postgres')

    await sleep(SETTINGS.resetTimeoutMs + 50)
    const halfOpen = breaker.state()
    let release!: () => void
    const trial = breaker.run(() => new Promise<string>((resolve) => (release = () => resolve('ok'))))
    const beside = await breaker.run(() => Promise.resolve('second')).catch((error: unknown) => error)
    release()

    assert.equal(degradedWhileOpen, true)
    assert.equal(halfOpen, 'half_open')
    assert.ok(beside instanceof BreakerOpenError, 'only one trial call while half-open')
    assert.equal(await trial, 'ok')
    assert.equal(breaker.state(), 'closed')
    assert.equal(degradation.isDegraded('breaker:postgres'), false)
    assert.deepEqual(
      breakerLines().map(({ level, message }) => `${level} ${message}`),
      [
        'warn circuit breaker open',
        'info circuit breaker half-open: one trial call',
        'info circuit breaker closed',
      ],
    )
  })

  it('opens again when the trial call fails, logging that at info', async (t) => {
    const { registry, breakerLines } = setUp(t)
    const breaker = registry.create('redis', { isFailure })
    await failTimes((work) => breaker.run(work), SETTINGS.volumeThreshold, new Outage('timed out'))

    await sleep(SETTINGS.resetTimeoutMs + 50)
    await failTimes((work) => breaker.run(work), 1, new Outage('timed out'))

    assert.equal(breaker.state(), 'open')
    assert.deepEqual(
      breakerLines().map(({ level, message }) => `${level} ${message}`),
      [
        'warn circuit breaker open',
        'info circuit breaker half-open: one trial call',
        'info circuit breaker open again: the trial call failed',
      ],
    )
  })

  it('exports each state and the transitions by breaker', async (t) => {
    const { registry, metrics } = setUp(t)
    const breaker = registry.create('postgres', { isFailure })
    registry.create('redis', { isFailure })

    await failTimes((work) => breaker.run(work), SETTINGS.volumeThreshold, new Outage('refused'))
    const text = await metrics.metrics()

    assert.match(text, /^circuit_breaker_state\{breaker="postgres",state="open"\} 1$/m)
    assert.match(text, /^circuit_breaker_state\{breaker="postgres",state="closed"\} 0$/m)
    assert.match(text, /^circuit_breaker_state\{breaker="redis",state="closed"\} 1$/m)
    assert.match(text, /^circuit_breaker_transitions_total\{breaker="postgres",to="open"\} 1$/m)
    assert.match(text, /^circuit_breaker_transitions_total\{breaker="redis",to="open"\} 0$/m)
  })
})
