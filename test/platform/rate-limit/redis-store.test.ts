// The sliding log on Redis: the decisions of one event-loop turn go as one script call, decided as one call
// each would be; a busy key reserves slots and decides from them at once, never past the limit across
// instances and never after the lease; small limits never reserve; a failure forgets every reservation.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createDegradationTracker } from '../../../src/platform/health/degraded.ts'
import { LEASE_MS, MIN_RESERVE, RESERVE_DIVISOR } from '../../../src/platform/rate-limit/redis-grants.ts'
import { createRedisSlidingLog } from '../../../src/platform/rate-limit/redis-store.ts'
import type { RateDecision, RatePolicy } from '../../../src/platform/rate-limit/sliding-log.ts'
import { createRedisClient, type RedisClient } from '../../../src/platform/redis/client.ts'
import { testConfig } from '../../helpers/build-app.ts'
import { createTestRedisNamespace, type TestRedisNamespace } from '../../helpers/redis.ts'

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined }

async function openClient(t: TestContext, namespace: TestRedisNamespace): Promise<RedisClient> {
  const config = testConfig(namespace.env)
  const client = createRedisClient(
    { ...config.redis, url: namespace.url },
    { log: silent, degradation: createDegradationTracker({ log: silent }) },
  )
  t.after(() => client.close())
  for (let wait = 0; !client.isReady() && wait < 100; wait += 1) await sleep(20)
  return client
}

/** Counts the script calls the client sends. */
function countCalls(client: RedisClient): () => number {
  let calls = 0
  const send = client.redis.sendCommand.bind(client.redis)
  client.redis.sendCommand = (command, stream) => {
    if (command.name === 'evalsha' || command.name === 'eval') calls += 1
    return send(command, stream)
  }
  return () => calls
}

const settleAll = (decisions: (RateDecision | Promise<RateDecision>)[]) =>
  Promise.all(decisions.map(async (decision) => decision))

describe('the sliding log on Redis', () => {
  it('decides the requests of one turn in one call, in order, as one call each would', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const client = await openClient(t, namespace)
    const calls = countCalls(client)
    const store = createRedisSlidingLog(client, undefined, { maxKeys: 100 })
    const policy = { name: 'small', limit: 5, windowMs: 60_000 }

    const decisions = await settleAll(Array.from({ length: 8 }, () => store.take('caller', policy)))

    assert.equal(calls(), 1)
    assert.deepEqual(
      decisions.map(({ allowed, remaining }) => [allowed, remaining]),
      [
        [true, 4],
        [true, 3],
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
        [false, 0],
        [false, 0],
      ],
    )
    for (const { resetMs } of decisions) assert.ok(resetMs > 59_000 && resetMs <= 60_000, String(resetMs))
    assert.equal(await namespace.redis.zcard(`${namespace.keyPrefix}rl:caller`), 5)
  })

  it('never reserves for a limit below 256: every decision is Redis’s', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const client = await openClient(t, namespace)
    const store = createRedisSlidingLog(client, undefined, { maxKeys: 100 })
    const policy = { name: 'small', limit: RESERVE_DIVISOR * MIN_RESERVE - 1, windowMs: 60_000 }

    for (let turn = 0; turn < 15; turn += 1) {
      const decisions = Array.from({ length: 20 }, () => store.take('caller', policy))

      assert.ok(decisions.every((decision) => decision instanceof Promise))
      await settleAll(decisions)
    }
    assert.equal(await namespace.redis.zcard(`${namespace.keyPrefix}rl:caller`), policy.limit)
  })

  it('lets a busy key decide at once from slots reserved on Redis, logged at the end of their lease', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const client = await openClient(t, namespace)
    const calls = countCalls(client)
    const store = createRedisSlidingLog(client, undefined, { maxKeys: 100 })
    const policy = { name: 'busy', limit: 64_000, windowMs: 60_000 }
    await store.take('caller', policy)
    await settleAll(Array.from({ length: 50 }, () => store.take('caller', policy)))
    const callsBefore = calls()

    const decisions = Array.from({ length: 50 }, () => store.take('caller', policy))

    const atOnce = decisions.filter((decision) => !(decision instanceof Promise))
    assert.ok(atOnce.length > 0, 'decided from reserved slots')
    for (const decision of atOnce) assert.ok(!(decision instanceof Promise) && decision.allowed)
    await settleAll(decisions)
    assert.ok(calls() - callsBefore <= 1, `${String(calls() - callsBefore)} calls`)
    const time = await client.redis.time()
    const nowMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000)
    const newest = await namespace.redis.zrange(`${namespace.keyPrefix}rl:caller`, '-1', '-1', 'WITHSCORES')
    const newestScore = Number(newest[1])
    assert.ok(
      newestScore > nowMs && newestScore <= nowMs + LEASE_MS,
      `${String(newestScore - nowMs)} ms ahead`,
    )
  })

  it('admits no more than the limit between two instances sharing a busy key', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const [one, two] = await Promise.all([openClient(t, namespace), openClient(t, namespace)])
    const stores = [one, two].map((client) => createRedisSlidingLog(client, undefined, { maxKeys: 100 }))
    const policy: RatePolicy = { name: 'shared', limit: 640, windowMs: 60_000 }
    let admitted = 0

    for (let turn = 0; turn < 40; turn += 1) {
      const decisions = stores.flatMap((store) =>
        Array.from({ length: 20 }, () => store.take('caller', policy)),
      )
      admitted += (await settleAll(decisions)).filter((decision) => decision.allowed).length
    }

    // 1600 asked for: the limit, less what each instance still holds reserved (at most limit / 64 each).
    assert.ok(admitted <= policy.limit, `${String(admitted)} admitted`)
    assert.ok(admitted >= policy.limit - 2 * (policy.limit / RESERVE_DIVISOR), `${String(admitted)} admitted`)
    assert.equal(await namespace.redis.zcard(`${namespace.keyPrefix}rl:caller`), policy.limit)
  })

  it('uses no reserved slot after its lease: the next decision asks Redis', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const client = await openClient(t, namespace)
    let nowMs = 0
    const store = createRedisSlidingLog(client, undefined, { maxKeys: 100, clock: () => nowMs })
    const policy = { name: 'busy', limit: 64_000, windowMs: 60_000 }
    await store.take('caller', policy)
    nowMs = 1
    await settleAll(Array.from({ length: 50 }, () => store.take('caller', policy)))
    nowMs = 2
    assert.ok(!(store.take('caller', policy) instanceof Promise), 'reserved slots within the lease')

    nowMs = 1 + LEASE_MS
    const late = store.take('caller', policy)

    assert.ok(late instanceof Promise)
    assert.equal((await late).allowed, true)
  })

  it('forgets its reservations when Redis fails: no decision at once until Redis answers again', async (t) => {
    const namespace = await createTestRedisNamespace(t)
    const client = await openClient(t, namespace)
    const store = createRedisSlidingLog(client, undefined, { maxKeys: 100 })
    const policy = { name: 'busy', limit: 64_000, windowMs: 60_000 }
    await store.take('caller', policy)
    await settleAll(Array.from({ length: 50 }, () => store.take('caller', policy)))
    client.redis.disconnect(true)
    for (let wait = 0; client.isReady() && wait < 100; wait += 1) await sleep(1)

    const refused = store.take('caller', policy)

    assert.ok(refused instanceof Promise)
    await assert.rejects(refused, /not connected/)
    for (let wait = 0; !client.isReady() && wait < 100; wait += 1) await sleep(20)
    const after = store.take('caller', policy)
    assert.ok(after instanceof Promise, 'the reservations held before the failure are gone')
    assert.equal((await after).allowed, true)
  })
})
