// Issue 12: a statement that outlasts DB_STATEMENT_TIMEOUT_MS in the built server is cancelled on
// PostgreSQL, not just abandoned, and its client gets the standard 503 body at once.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pg from 'pg'
import { emptyDatabase, watchStatements } from '../helpers/database.ts'
import { assertProblem } from '../helpers/problem.ts'
import { poll, send } from '../helpers/replies.ts'
import { bearer, startServer } from '../helpers/server-process.ts'

const STATEMENT_TIMEOUT_MS = 500

describe('a statement past DB_STATEMENT_TIMEOUT_MS in the built server (issue 12)', () => {
  it('answers 503 DATABASE_TIMEOUT with Retry-After, and PostgreSQL no longer runs the statement', async (t) => {
    const url = await emptyDatabase(t)
    const server = await startServer(t, {
      DATABASE_URL: url,
      DB_SSL: 'disable',
      MIGRATE_ON_START: 'true',
      HANDLER_TIMEOUT_MS: '10000',
      DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    })
    const key = await server.adminKey()
    const created = await send(server, key, '/api/v1/plans', { title: 'locked', start_date: '2026-12-01' })
    const plan = JSON.parse(created.body) as { id: string; version: number }
    // Another session holds the row: the server's UPDATE waits for it until its statement timeout.
    const holder = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
    await holder.connect()
    // Dropping the test database after the test terminates this connection: expected then.
    holder.on('error', () => undefined)
    t.after(() => holder.end())
    await holder.query('begin')
    await holder.query('select id from plans where id = $1 for update', [plan.id])
    const running = await watchStatements(t, {
      text: 'update "plans"',
      database: new URL(url).pathname.slice(1),
    })

    const started = performance.now()
    const patched = fetch(`${server.baseUrl}/api/v1/plans/${plan.id}`, {
      method: 'PATCH',
      headers: { ...bearer(key), 'content-type': 'application/json', 'if-match': `"${plan.version}"` },
      body: JSON.stringify({ title: 'changed' }),
      signal: AbortSignal.timeout(10_000),
    })
    const seenRunning = await poll(2000, async () => ((await running()) === 1 ? true : undefined))
    const response = await patched
    const elapsedMs = performance.now() - started
    const stillRunning = await running()
    await holder.query('rollback')

    assert.equal(seenRunning, true)
    assertProblem(
      {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      },
      503,
      'DATABASE_TIMEOUT',
    )
    assert.equal(response.headers.get('retry-after'), '2')
    assert.ok(elapsedMs < STATEMENT_TIMEOUT_MS + 1000, `answered after ${Math.round(elapsedMs)} ms`)
    assert.equal(stillRunning, 0, 'PostgreSQL no longer runs the statement')
  })
})
