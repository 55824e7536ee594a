import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql, type Kysely } from 'kysely'
import { createDatabase } from '../../../src/platform/db/database.ts'
import { migrateToLatest, readMigrationState } from '../../../src/platform/db/migrator.ts'
import { withTransaction } from '../../../src/platform/db/transaction.ts'
import { MIGRATIONS } from '../../../src/db/migrations.ts'
import { buildTestApp, testConfig } from '../../helpers/build-app.ts'
import { createTestDatabase, TEST_BACKENDS, watchStatements } from '../../helpers/database.ts'
import { planInput } from '../../helpers/plans.ts'
import { assertProblem } from '../../helpers/problem.ts'
import { poll } from '../../helpers/replies.ts'

type Scratch = {
  scratch: { value: number }
}

for (const backend of TEST_BACKENDS) {
  describe(`the database layer on ${backend}`, () => {
    it('answers a ping and reports pool statistics', async (t) => {
      const { database } = await createTestDatabase(t, backend)

      await database.ping(AbortSignal.timeout(2000))

      const stats = database.poolStats()
      assert.equal(database.backend, backend)
      assert.ok(stats.total >= 1 && stats.total <= stats.max)
      assert.equal(stats.waiting, 0)
    })

    it('has every migration applied and none pending after migrateToLatest, which is idempotent', async (t) => {
      const { database } = await createTestDatabase(t, backend)

      const again = await migrateToLatest(database.db, MIGRATIONS)
      const state = await readMigrationState(database.db, MIGRATIONS)

      assert.deepEqual(again.applied, [])
      assert.deepEqual(
        state.applied.map((migration) => migration.name),
        Object.keys(MIGRATIONS),
      )
      assert.deepEqual(state.pending, [])
    })

    it('rolls back every write of a transaction that throws', async (t) => {
      const { database } = await createTestDatabase(t, backend)
      const db = database.db.withTables<Scratch>()
      await sql`create table scratch (value integer not null)`.execute(db)

      await assert.rejects(
        withTransaction(db, async (trx) => {
          await trx.insertInto('scratch').values({ value: 1 }).execute()
          await trx.insertInto('scratch').values({ value: 2 }).execute()
          throw new Error('half-way')
        }),
        /half-way/,
      )
      await withTransaction(db, async (trx) => {
        await trx.insertInto('scratch').values({ value: 3 }).execute()
      })

      const rows = await db.selectFrom('scratch').select('value').execute()
      assert.deepEqual(rows, [{ value: 3 }])
    })

    it('writes nothing for a request whose deadline passed while it waited for a connection (issue 12)', async (t) => {
      const { database } = await createTestDatabase(t, backend, { poolMax: 1 })
      const db = database.db.withTables<Scratch>()
      await sql`create table scratch (value integer not null)`.execute(db)
      const { app } = await buildTestApp(
        t,
        {},
        (app) => {
          app.get('/test/late-write', { config: { public: true, handlerTimeoutMs: 200 } }, async () => {
            await db.insertInto('scratch').values({ value: 1 }).execute()
            return { written: true }
          })
        },
        database,
      )
      // Holds the one connection well past the route's deadline (and within DB_CONNECT_TIMEOUT_MS).
      const held = withTransaction(db, async (trx) => {
        await sql`select 1`.execute(trx)
        await sleep(600)
      })

      const response = await app.inject({ url: '/test/late-write' })
      await held
      await sleep(100)
      const rows = await db.selectFrom('scratch').select('value').execute()

      assertProblem(response, 503, 'HANDLER_TIMEOUT')
      assert.deepEqual(rows, [], 'the insert did not run after the 503')
    })

    it('keeps a pending migration visible to readiness until it is applied', async (t) => {
      const { database } = await createTestDatabase(t, backend)
      const withExtra = { ...MIGRATIONS, '9999_extra': { up: async () => undefined } }

      const state = await readMigrationState(database.db, withExtra)

      assert.deepEqual(state.pending, ['9999_extra'])
    })
  })
}

describe('the database layer on PostgreSQL', () => {
  it('runs a migration longer than DB_STATEMENT_TIMEOUT_MS to completion', async (t) => {
    const { database } = await createTestDatabase(t, 'postgres', { statementTimeoutMs: 200 })
    const slow = {
      up: async (db: Kysely<unknown>) => {
        await sql`select pg_sleep(1.2)`.execute(db)
      },
    }

    const run = await database.withoutTimeouts((db) =>
      migrateToLatest(db, { ...MIGRATIONS, '9999_slow': slow }),
    )

    assert.deepEqual(run.applied, ['9999_slow'])
  })

  it('cancels on PostgreSQL a statement that runs longer than DB_STATEMENT_TIMEOUT_MS, answering 503 DATABASE_TIMEOUT (issue 12)', async (t) => {
    const { database } = await createTestDatabase(t, 'postgres', { statementTimeoutMs: 200 })
    const marker = `slow_${randomBytes(6).toString('hex')}`
    const { app } = await buildTestApp(
      t,
      {},
      (app) => {
        app.get('/test/slow-query', { config: { public: true } }, async () => {
          // Far longer than the client's own read timeout (statement timeout + 1 s): a statement only
          // abandoned by the client would still show in pg_stat_activity after the answer.
          await sql`select pg_sleep(5) as ${sql.raw(marker)}`.execute(database.db)
          return { done: true }
        })
      },
      database,
    )
    const running = await watchStatements(t, { text: marker })

    const started = performance.now()
    const answered = app.inject({ url: '/test/slow-query' })
    const seenRunning = await poll(1000, async () => ((await running()) === 1 ? true : undefined))
    const response = await answered
    const elapsedMs = performance.now() - started
    const stillRunning = await running()

    assert.equal(seenRunning, true)
    assertProblem(response, 503, 'DATABASE_TIMEOUT')
    assert.equal(response.headers['retry-after'], '2')
    assert.ok(elapsedMs < 1000, `answered after ${Math.round(elapsedMs)} ms, at the statement timeout`)
    assert.equal(stillRunning, 0, 'PostgreSQL no longer runs the statement')
  })

  it('cancels on PostgreSQL a statement the client stopped waiting for when the server would not time it out (issue 12)', async (t) => {
    const { database } = await createTestDatabase(t, 'postgres', { statementTimeoutMs: 200 })
    const marker = `slow_${randomBytes(6).toString('hex')}`
    const { app } = await buildTestApp(
      t,
      {},
      (app) => {
        app.get('/test/untimed-query', { config: { public: true } }, async () => {
          // As behind a pooler that drops start-up settings: only the client's read timeout (statement
          // timeout + 1 s) bounds this statement.
          await withTransaction(database.db, async (trx) => {
            await sql`set local statement_timeout = 0`.execute(trx)
            await sql`select pg_sleep(5) as ${sql.raw(marker)}`.execute(trx)
          })
          return { done: true }
        })
      },
      database,
    )
    const running = await watchStatements(t, { text: marker })

    const started = performance.now()
    const response = await app.inject({ url: '/test/untimed-query' })
    const elapsedMs = performance.now() - started
    const stoppedAfterMs = await poll(2000, async () =>
      (await running()) === 0 ? performance.now() - started : undefined,
    )

    assertProblem(response, 503, 'DATABASE_TIMEOUT')
    assert.ok(elapsedMs < 2500, `answered after ${Math.round(elapsedMs)} ms, at the client's read timeout`)
    assert.ok(stoppedAfterMs < 3000, `PostgreSQL ran the statement for ${Math.round(stoppedAfterMs)} ms`)
  })

  it('answers 503 DATABASE_UNAVAILABLE quickly and fails readiness when nothing listens', async (t) => {
    const config = {
      ...testConfig().db,
      url: 'postgres://postgres@127.0.0.1:1/none',
      ssl: 'disable' as const,
    }
    const database = createDatabase(config, { warn: () => undefined })
    t.after(() => database.close())
    const { app, logs } = await buildTestApp(t, {}, undefined, database)

    const started = performance.now()
    const create = await app.inject({ method: 'POST', url: '/api/v1/plans', payload: planInput() })
    const elapsedMs = performance.now() - started
    const ready = await app.inject({ url: '/health/ready' })
    const live = await app.inject({ url: '/health/live' })

    const body = assertProblem(create, 503, 'DATABASE_UNAVAILABLE')
    assert.equal(create.headers['retry-after'], '2')
    assert.ok(!JSON.stringify(body).includes('ECONNREFUSED'), 'the cause stays in the log')
    assert.ok(elapsedMs < config.connectTimeoutMs + 500, `answered in ${Math.round(elapsedMs)} ms`)
    assert.equal(ready.statusCode, 503)
    assert.equal(ready.json().checks.database.status, 'failing')
    assert.equal(live.statusCode, 200)
    const line = logs.find(
      (entry) => entry.error_id === body.error_id && entry.message === 'service unavailable',
    )
    assert.equal(
      line?.level,
      40,
      'an outage is a warning with its cause, not an unexpected error with a stack',
    )
    assert.match(String(line?.cause), /ECONNREFUSED/)
  })

  it('reports the database latency and pool state in the readiness checks', async (t) => {
    const { database } = await createTestDatabase(t, 'postgres')
    const { app } = await buildTestApp(t, {}, undefined, database)

    const ready = await app.inject({ url: '/health/ready' })

    assert.equal(ready.statusCode, 200)
    const check = ready.json().checks.database
    assert.equal(typeof check.duration_ms, 'number')
    assert.equal(check.details.backend, 'postgres')
    assert.equal(check.details.pool.max, 10)
    assert.equal(ready.json().checks.migrations.status, 'ok')
  })
})

describe('the database layer on PGlite', () => {
  it('gives up waiting for its one connection after DB_CONNECT_TIMEOUT_MS, as pg.Pool does', async (t) => {
    const { database } = await createTestDatabase(t, 'pglite', { connectTimeoutMs: 100 })
    const db = database.db

    const held = db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx)
      await new Promise((resolve) => setTimeout(resolve, 400))
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const waiting = sql`select 1`.execute(db)

    await assert.rejects(waiting, /timeout exceeded when trying to connect/)
    await held
    await sql`select 1`.execute(db)
  })
})
