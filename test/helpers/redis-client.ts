// openRecordedRedisClient: the app's own Redis client for tests that call platform code directly, with a
// degradation tracker whose log lines are recorded and whose dependency_degraded gauge the test reads.
import type { TestContext } from 'node:test'
import { Registry } from 'prom-client'
import { createDegradationTracker } from '../../src/platform/health/degraded.ts'
import { createRedisClient } from '../../src/platform/redis/client.ts'
import { testConfig } from './build-app.ts'

export interface RecordedLine {
  level: 'debug' | 'info' | 'warn'
  details: Record<string, unknown>
  message: string
}

/**
 * The app's Redis client (createRedisClient) on `url` with a degradation tracker of its own whose lines
 * are recorded and whose gauge is read from a registry of its own; closed in t.after.
 */
export function openRecordedRedisClient(
  t: Pick<TestContext, 'after'>,
  url: string,
  overrides: Record<string, string> = {},
) {
  const lines: RecordedLine[] = []
  const record = (level: RecordedLine['level']) => (details: object, message: string) =>
    void lines.push({ level, details: details as Record<string, unknown>, message })
  const log = { debug: record('debug'), info: record('info'), warn: record('warn') }
  const degradation = createDegradationTracker({ log })
  const registry = new Registry()
  degradation.registerMetrics(registry)
  const config = testConfig({ REDIS_URL: url, ...overrides })
  const client = createRedisClient({ ...config.redis, url }, { log, degradation })
  t.after(() => client.close())
  /** dependency_degraded{dependency}: 1, 0, or undefined before it was first marked. */
  const gauge = async (dependency: string) => {
    const { values } = (await registry.getSingleMetric('dependency_degraded')?.get()) ?? { values: [] }
    return values.find((value) => value.labels.dependency === dependency)?.value
  }
  /** Lines the tracker wrote about `dependency` at `level` with `message`. */
  const count = (level: RecordedLine['level'], message: string, dependency: string) =>
    lines.filter(
      (line) => line.level === level && line.message === message && line.details.dependency === dependency,
    ).length
  return { client, degradation, lines, log, gauge, count }
}
