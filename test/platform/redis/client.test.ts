// The shared Redis client against a private redis-server that the tests stop, restart and freeze: a Redis
// outage fails commands fast, is logged once each way, and shows in the dependency_degraded gauge.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it, type TestContext } from 'node:test'
import { Registry } from 'prom-client'
import { testConfig } from '../../helpers/build-app.ts'
import { freePort } from '../../helpers/postgres-cluster.ts'
import { startRedisServer } from '../../helpers/redis-server.ts'
import { createDegradationTracker } from '../../../src/platform/health/degraded.ts'
import { createRedisClient, REDIS_DEPENDENCY } from '../../../src/platform/redis/client.ts'

const COMMAND_TIMEOUT_MS = 250
/** Scheduling slack on a shared 2-core machine: a failure must come by the timeout plus this. */
const MARGIN_MS = 200

interface Line {
  level: 'debug' | 'info' | 'warn'
  details: Record<string, unknown>
  message: string
}

function openClient(t: TestContext, url: string) {
  const lines: Line[] = []
  const record = (level: Line['level']) => (details: object, message: string) =>
    void lines.push({ level, details: details as Record<string, unknown>, message })
  const log = { debug: record('debug'), info: record('info'), warn: record('warn') }
  const degradation = createDegradationTracker({ log })
  const registry = new Registry()
  degradation.registerMetrics(registry)
  const config = testConfig({ REDIS_URL: url, REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) })
  const client = createRedisClient({ ...config.redis, url }, { log, degradation })
  t.after(() => client.close())
  const gauge = async () => {
    const { values } = (await registry.getSingleMetric('dependency_degraded')?.get()) ?? { values: [] }
    return values.find((value) => value.labels.dependency === REDIS_DEPENDENCY)?.value
  }
  const count = (level: Line['level'], message: string) =>
    lines.filter((line) => line.level === level && line.message === message).length
  return { client, degradation, lines, gauge, count }
}

/** Polls until `condition` holds; fails the test after `timeoutMs`. */
async function waitUntil(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`)
    await sleep(20)
  }
}

/** How long the promise took to settle, and its rejection (undefined when it resolved). */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; error: Error | undefined }> {
  const started = performance.now()
  try {
    await promise
    return { ms: performance.now() - started, error: undefined }
  } catch (error) {
    return { ms: performance.now() - started, error: error as Error }
  }
}

describe('the Redis client', { timeout: 60_000 }, () => {
  it('runs commands on prefixed keys once connected, with redis at 0 in the gauge', async (t) => {
    const server = await startRedisServer(t)
    const { client, gauge, degradation } = openClient(t, server.url)
    await waitUntil('ready', () => client.isReady())

    await client.redis.set(client.key('greeting'), 'hello')

    assert.equal(await client.redis.get(client.key('greeting')), 'hello')
    assert.deepEqual(await client.redis.keys('*'), ['bulwark:greeting'])
    assert.equal(client.key('a:b'), 'bulwark:a:b')
    await client.ping()
    assert.equal(await gauge(), 0)
    assert.equal(degradation.isDegraded(REDIS_DEPENDENCY), false)
  })

  it('fails commands at once while Redis is stopped, logs one warning and sets the gauge to 1', async (t) => {
    const server = await startRedisServer(t)
    const { client, gauge, count, degradation } = openClient(t, server.url)
    await waitUntil('ready', () => client.isReady())

    await server.stop()
    const outcomes = []
    // Spread over a second: several reconnection attempts fail meanwhile.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      outcomes.push(await timed(client.redis.incr(client.key('counter'))))
      await sleep(200)
    }

    for (const { ms, error } of outcomes) {
      assert.ok(error !== undefined, 'the command failed')
      assert.ok(ms < COMMAND_TIMEOUT_MS + MARGIN_MS, `failed after ${ms} ms`)
    }
    assert.equal(degradation.isDegraded(REDIS_DEPENDENCY), true)
    assert.equal(await gauge(), 1)
    assert.equal(count('warn', 'dependency degraded'), 1)
    assert.equal(count('info', 'dependency recovered'), 0)
  })

  it('reconnects by itself when Redis is back: gauge 0 and one info line', async (t) => {
    const server = await startRedisServer(t)
    const { client, gauge, count } = openClient(t, server.url)
    await waitUntil('ready', () => client.isReady())
    await server.kill()
    await waitUntil('degraded', () => !client.isReady())
    await sleep(500)

    await server.restart()
    // The reconnection backoff tops out at 2 s.
    await waitUntil('reconnected', () => client.isReady(), 4000)

    assert.equal(await client.redis.set(client.key('after'), '1'), 'OK')
    assert.equal(await gauge(), 0)
    assert.equal(count('warn', 'dependency degraded'), 1)
    assert.equal(count('info', 'dependency recovered'), 1)
    assert.equal(count('info', 'redis ready'), 1, 'said once, at the first connection')
  })

  it('fails a command Redis stops answering (SIGSTOP) at the command timeout, not later', async (t) => {
    const server = await startRedisServer(t)
    const { client } = openClient(t, server.url)
    await waitUntil('ready', () => client.isReady())

    server.pause()
    const { ms, error } = await timed(client.redis.get(client.key('frozen')))
    server.resume()

    assert.match(error?.message ?? '', /Command timed out/)
    assert.ok(ms >= COMMAND_TIMEOUT_MS - 5, `failed early, after ${ms} ms`)
    assert.ok(ms < COMMAND_TIMEOUT_MS + MARGIN_MS, `failed after ${ms} ms`)
    await waitUntil('ready again', () => client.isReady(), 4000)
    assert.equal(await client.redis.ping(), 'PONG')
  })

  it('drops the connection of a Redis frozen past the socket timeout, and recovers after SIGCONT', async (t) => {
    const server = await startRedisServer(t)
    const { client, count, degradation } = openClient(t, server.url)
    await waitUntil('ready', () => client.isReady())

    server.pause()
    const frozen = await timed(client.redis.get(client.key('frozen')))
    // The socket timeout (1 s at this command timeout) ends the connection: Redis is degraded.
    await waitUntil('degraded', () => degradation.isDegraded(REDIS_DEPENDENCY), 3000)
    const whileFrozen = await timed(client.redis.get(client.key('frozen')))
    server.resume()
    await waitUntil('recovered', () => !degradation.isDegraded(REDIS_DEPENDENCY), 5000)

    assert.ok(frozen.ms < COMMAND_TIMEOUT_MS + MARGIN_MS)
    assert.ok(whileFrozen.error !== undefined && whileFrozen.ms < COMMAND_TIMEOUT_MS + MARGIN_MS)
    assert.equal(await client.redis.ping(), 'PONG')
    assert.equal(count('warn', 'dependency degraded'), 1)
    assert.equal(count('info', 'dependency recovered'), 1)
  })

  it('starts against a port where nothing listens: degraded once, commands fail fast, close is quick', async (t) => {
    const port = await freePort()
    const { client, count, degradation, gauge } = openClient(t, `redis://127.0.0.1:${port}`)
    await waitUntil('degraded', () => degradation.isDegraded(REDIS_DEPENDENCY))

    await sleep(800)
    const command = await timed(client.redis.get(client.key('x')))
    const closing = await timed(client.close())

    assert.ok(command.error !== undefined && command.ms < MARGIN_MS)
    assert.ok(closing.error === undefined && closing.ms < MARGIN_MS, `closed in ${closing.ms} ms`)
    assert.equal(count('warn', 'dependency degraded'), 1)
    assert.match(String(degradation.states()[REDIS_DEPENDENCY]?.reason), /ECONNREFUSED/)
    assert.equal(await gauge(), 1)
  })

  it('connects by itself when Redis first appears after the client started', async (t) => {
    const server = await startRedisServer(t)
    await server.stop()
    const { client, count, degradation } = openClient(t, server.url)
    await waitUntil('degraded', () => degradation.isDegraded(REDIS_DEPENDENCY))

    await server.restart()
    await waitUntil('connected', () => client.isReady(), 4000)

    assert.equal(await client.redis.ping(), 'PONG')
    assert.equal(count('warn', 'dependency degraded'), 1)
    assert.equal(count('info', 'dependency recovered'), 1)
  })

  it('authenticates with the password in the URL, and never logs it when it is wrong', async (t) => {
    const password = 'redis-Passw0rd-in-the-url'
    const server = await startRedisServer(t, { password })
    const good = openClient(t, server.url)
    const bad = openClient(t, server.url.replace(password, 'wrong-Passw0rd-in-the-url'))
    await waitUntil('ready', () => good.client.isReady())
    await waitUntil('degraded', () => bad.degradation.isDegraded(REDIS_DEPENDENCY))

    assert.equal(await good.client.redis.ping(), 'PONG')
    assert.match(String(bad.degradation.states()[REDIS_DEPENDENCY]?.reason), /WRONGPASS/)
    const logged = JSON.stringify([...good.lines, ...bad.lines], (_key, value: unknown) =>
      value instanceof Error ? { message: value.message, stack: value.stack } : value,
    )
    assert.ok(!logged.includes('Passw0rd-in-the-url'), logged)
    assert.equal(bad.count('warn', 'dependency degraded'), 1)
  })

  it('closes within the command timeout while Redis is frozen, and stops reconnecting', async (t) => {
    const server = await startRedisServer(t)
    const { client, count } = openClient(t, server.url)
    await waitUntil('ready', () => client.isReady())

    server.pause()
    const closing = await timed(client.close())
    server.resume()
    await sleep(300)

    assert.ok(closing.ms < COMMAND_TIMEOUT_MS + 100 + MARGIN_MS, `closed in ${closing.ms} ms`)
    assert.equal(client.isReady(), false)
    assert.equal(count('warn', 'dependency degraded'), 0, 'closing is no outage')
  })
})
