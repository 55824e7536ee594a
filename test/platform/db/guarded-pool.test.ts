import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, it, type TestContext } from 'node:test'
import { sql } from 'kysely'
import { createDatabase } from '../../../src/platform/db/database.ts'
import { isDatabaseOutage } from '../../../src/platform/db/errors.ts'
import { withTransaction } from '../../../src/platform/db/transaction.ts'
import { AppError } from '../../../src/platform/errors/app-error.ts'
import { createDegradationTracker } from '../../../src/platform/health/degraded.ts'
import { createBreakerRegistry } from '../../../src/platform/resilience/breakers.ts'
import { testConfig } from '../../helpers/build-app.ts'
import { createTestDatabase, TEST_BACKENDS } from '../../helpers/database.ts'

const silent = { warn: () => undefined, info: () => undefined }
const SETTINGS = { errorThresholdPercent: 50, volumeThreshold: 5, resetTimeoutMs: 5000, windowMs: 10_000 }

function postgresBreaker(t: TestContext) {
  const registry = createBreakerRegistry({
    settings: SETTINGS,
    log: silent,
    degradation: createDegradationTracker({ log: silent }),
  })
  t.after(() => registry.close())
  return registry.create('postgres', { isFailure: isDatabaseOutage })
}

/** A port where something accepts connections and drops each at once, counting them. */
async function droppingServer(t: TestContext): Promise<{ port: number; attempts: () => number }> {
  let attempts = 0
  const server = createServer((socket) => {
    attempts += 1
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return { port: address.port, attempts: () => attempts }
}

for (const backend of TEST_BACKENDS) {
  describe(`the database behind its circuit breaker on ${backend}`, () => {
    it('stays closed when statements are refused for what they are (the database answered)', async (t) => {
      const { config } = await createTestDatabase(t, backend)
      const breaker = postgresBreaker(t)
      const database = createDatabase(config, silent, breaker)
      t.after(() => database.close())

      for (let call = 0; call < 20; call += 1) {
        await assert.rejects(sql`select 1 / 0`.execute(database.db), { code: '22012' })
        await assert.rejects(sql`select 'x'::int`.execute(database.db), { code: '22P02' })
      }
      const answer = await sql<{ one: number }>`select 1 as one`.execute(database.db)

      assert.equal(breaker.state(), 'closed')
      assert.equal(answer.rows[0]?.one, 1)
    })

    it('ends a transaction that failed inside it, and its connection serves the next request', async (t) => {
      const { config } = await createTestDatabase(t, backend)
      const breaker = postgresBreaker(t)
      const database = createDatabase(config, silent, breaker)
      t.after(() => database.close())

      await assert.rejects(
        withTransaction(database.db, async (trx) => {
          await sql`select 1`.execute(trx)
          await sql`select 1 / 0`.execute(trx)
        }),
        { code: '22012' },
      )
      // Still inside the failed transaction, every statement would be refused (25P02) until a ROLLBACK.
      const after = await sql<{ one: number }>`select 1 as one`.execute(database.db)

      assert.equal(after.rows[0]?.one, 1)
    })
  })
}

describe('the database behind its circuit breaker, when PostgreSQL fails', () => {
  it('opens after the volume threshold, then answers 503 DATABASE_UNAVAILABLE with Retry-After without trying to connect', async (t) => {
    const dropping = await droppingServer(t)
    const config = {
      ...testConfig().db,
      url: `postgres://bulwark@127.0.0.1:${dropping.port}/bulwark`,
      ssl: 'disable' as const,
    }
    const breaker = postgresBreaker(t)
    const database = createDatabase(config, silent, breaker)
    t.after(() => database.close())

    for (let call = 0; call < SETTINGS.volumeThreshold; call += 1) {
      await assert.rejects(sql`select 1`.execute(database.db))
    }
    const attemptsWhenOpened = dropping.attempts()
    const refusals = await Promise.all(
      Array.from({ length: 10 }, () => sql`select 1`.execute(database.db).catch((error: unknown) => error)),
    )

    assert.equal(breaker.state(), 'open')
    assert.equal(attemptsWhenOpened, SETTINGS.volumeThreshold)
    assert.equal(dropping.attempts(), attemptsWhenOpened, 'no connection attempt while open')
    for (const refusal of refusals) {
      assert.ok(refusal instanceof AppError)
      assert.equal(refusal.code, 'DATABASE_UNAVAILABLE')
      assert.equal(refusal.status, 503)
      assert.equal(refusal.headers?.['retry-after'], '5')
    }
  })

  it('still lets readiness reach the database itself (probeDb and ping bypass the breaker)', async (t) => {
    const { config } = await createTestDatabase(t, 'postgres')
    const breaker = postgresBreaker(t)
    const database = createDatabase(config, silent, breaker)
    t.after(() => database.close())
    // Opened by failures of another kind than this database's: what matters is that it is open.
    for (let call = 0; call < SETTINGS.volumeThreshold; call += 1) {
      await breaker
        .run(() => Promise.reject(new Error('Connection terminated unexpectedly')))
        .catch(() => undefined)
    }

    await database.ping(AbortSignal.timeout(2000))
    const probed = await sql<{ one: number }>`select 1 as one`.execute(database.probeDb)

    assert.equal(breaker.state(), 'open')
    assert.equal(probed.rows[0]?.one, 1)
    await assert.rejects(sql`select 1`.execute(database.db), { code: 'DATABASE_UNAVAILABLE' })
  })
})
