import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig } from '../../../src/platform/config/loader.ts'

function problemsOf(env: Record<string, string>): string[] {
  const result = loadConfig({ NODE_ENV: 'test', ...env })
  return result.ok ? [] : result.problems
}

describe('the overload configuration group', () => {
  it('sheds on event-loop delay and heap by default (not under NODE_ENV=test), not on utilisation or RSS', () => {
    const result = loadConfig({ NODE_ENV: 'production' })
    const development = loadConfig({})
    const test = loadConfig({ NODE_ENV: 'test' })

    assert.ok(development.ok && test.ok)
    assert.equal(test.config.overload.maxEventLoopDelayMs, 0)
    assert.equal(test.config.overload.maxHeapUsedMb, 0)
    assert.deepEqual(development.config.overload, {
      maxEventLoopDelayMs: 100,
      maxEventLoopUtilizationPercent: 0,
      maxHeapUsedMb: 384,
      maxRssMb: 0,
      retryAfterS: 2,
      sampleIntervalMs: 250,
    })
    assert.ok(result.ok || !result.problems.some((problem) => problem.startsWith('OVERLOAD')))
  })

  it('refuses an RSS threshold that the supervisor’s recycling would always reach first', () => {
    const problems = problemsOf({ WORKERS: '2', WORKER_MAX_RSS_MB: '512', OVERLOAD_MAX_RSS_MB: '512' })

    assert.equal(problems.length, 1)
    assert.match(problems[0] ?? '', /^OVERLOAD_MAX_RSS_MB: at or above WORKER_MAX_RSS_MB/)
  })

  it('accepts an RSS threshold below the recycling one, or any with a single process', () => {
    assert.deepEqual(problemsOf({ WORKERS: '2', WORKER_MAX_RSS_MB: '512', OVERLOAD_MAX_RSS_MB: '480' }), [])
    assert.deepEqual(problemsOf({ WORKERS: '1', WORKER_MAX_RSS_MB: '512', OVERLOAD_MAX_RSS_MB: '600' }), [])
  })

  it('rejects a sample interval under 20 ms and a utilisation over 100 %', () => {
    const problems = problemsOf({
      OVERLOAD_SAMPLE_INTERVAL_MS: '5',
      OVERLOAD_MAX_EVENT_LOOP_UTILIZATION_PERCENT: '120',
    })

    assert.equal(problems.length, 2)
  })
})
