// Issue 8: the server process survives its database failing mid-request (connections terminated or cut,
// traffic black-holed, the server not there at start-up), answers 503 within its deadline, cancels what
// the deadline abandoned, and loses no acknowledged row.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import pg from 'pg'
import { emptyDatabase } from '../helpers/database.ts'
import { createFaultProxy } from '../helpers/fault-proxy.ts'
import { createPostgresCluster } from '../helpers/postgres-cluster.ts'
import { assertDatabaseUnavailable, poll, send, type Reply } from '../helpers/replies.ts'
import { bearer, startServer, type ServerProcess } from '../helpers/server-process.ts'

const PG_ENV = { DB_SSL: 'disable', MIGRATE_ON_START: 'true' }
/** Creates sent in each fault run, and how many are in flight at once. */
const CREATES = 240
const CONCURRENCY = 16

/** Runs `statement` on the database at `url` with a client of the test's own. */
async function query<R extends pg.QueryResultRow>(
  url: string,
  statement: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    return (await client.query<R>(statement, values)).rows
  } finally {
    await client.end()
  }
}

/** Same database, reached through the proxy's port instead. */
function throughProxy(url: string, port: number): string {
  const proxied = new URL(url)
  proxied.port = String(port)
  return proxied.toString()
}

/** CREATES plan creates, CONCURRENCY at a time; every outcome is recorded, fetch failures included. */
async function createUnderFault(server: ServerProcess, key: string, fault: () => Promise<void>) {
  const replies: Reply[] = []
  const failures: string[] = []
  let next = 0
  let done = false
  const worker = async () => {
    while (next < CREATES) {
      const index = next++
      try {
        replies.push(
          await send(server, key, '/api/v1/plans', { title: `p${index}`, start_date: '2026-12-01' }),
        )
      } catch (error) {
        failures.push(String((error as Error).cause ?? error))
      }
    }
  }
  const faults = (async () => {
    while (!done) {
      await fault()
      await sleep(40)
    }
  })()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  done = true
  await faults
  return { replies, failures }
}

function assertSurvived(
  server: ServerProcess,
  outcome: { replies: Reply[]; failures: string[] },
  what: string,
): string[] {
  assert.deepEqual(outcome.failures, [], `${what}: requests without an HTTP answer`)
  assert.equal(server.child.exitCode, null, `${what}: the server process exited`)
  const created = outcome.replies.filter((reply) => reply.statusCode === 201)
  for (const reply of outcome.replies.filter((reply) => reply.statusCode !== 201)) {
    const code = (JSON.parse(reply.body) as { error_code?: string }).error_code
    assert.equal(reply.statusCode, 503, `${what}: ${reply.body}`)
    assert.ok(code === 'DATABASE_UNAVAILABLE' || code === 'DATABASE_TIMEOUT', `${what}: ${reply.body}`)
    assert.match(reply.headers['retry-after'] ?? '', /^[1-9]\d*$/)
  }
  assert.equal(outcome.replies.length, CREATES)
  return created.map((reply) => (JSON.parse(reply.body) as { id: string }).id)
}

describe('the server under a failing PostgreSQL (issue 8)', () => {
  it('stays up and answers 503 when every connection is terminated mid-request (pg_terminate_backend), losing no acknowledged row', async (t) => {
    const url = await emptyDatabase(t)
    const server = await startServer(t, { ...PG_ENV, DATABASE_URL: url })
    const key = await server.adminKey()
    const database = new URL(url).pathname.slice(1)
    let terminated = 0

    const outcome = await createUnderFault(server, key, async () => {
      const rows = await query<{ pid: number }>(
        url,
        `select pg_terminate_backend(pid) as pid from pg_stat_activity
         where datname = $1 and application_name = 'bulwark' and pid <> pg_backend_pid()`,
        [database],
      )
      terminated += rows.length
    })
    const after = await send(server, key, '/api/v1/plans', { title: 'after', start_date: '2026-12-02' })

    const ids = assertSurvived(server, outcome, 'pg_terminate_backend')
    assert.ok(terminated > 0, 'no backend was terminated')
    assert.equal(after.statusCode, 201, after.body)
    const stored = await query<{ id: string }>(url, 'select id from plans where id = any($1::uuid[])', [ids])
    assert.equal(stored.length, ids.length, 'every plan answered with 201 is stored')
  })

  it('stays up and answers 503 when a proxy cuts every connection mid-request, losing no acknowledged row', async (t) => {
    const url = await emptyDatabase(t)
    const proxy = await createFaultProxy(t, { host: '127.0.0.1', port: Number(new URL(url).port || 5432) })
    const server = await startServer(t, {
      ...PG_ENV,
      DATABASE_URL: throughProxy(url, proxy.port),
      BREAKER_RESET_TIMEOUT_MS: '1000',
    })
    const key = await server.adminKey()

    const outcome = await createUnderFault(server, key, async () => {
      proxy.cutAll()
    })
    // So many failures open the postgres circuit breaker (issue 12): its refusals write nothing, and it
    // closes by itself on its first trial after BREAKER_RESET_TIMEOUT_MS.
    const after = await poll(10_000, async () => {
      const reply = await send(server, key, '/api/v1/plans', { title: 'after', start_date: '2026-12-02' })
      return reply.statusCode === 503 ? undefined : reply
    })

    const ids = assertSurvived(server, outcome, 'connections cut')
    assert.equal(after.statusCode, 201, after.body)
    const stored = await query<{ id: string }>(url, 'select id from plans where id = any($1::uuid[])', [ids])
    assert.equal(stored.length, ids.length, 'every plan answered with 201 is stored')
    assert.ok(
      server.logs.some((line) => line.message === 'database connection lost' && line.level === 'warn'),
      'a connection lost while checked out is logged as a warning',
    )
  })

  it('answers within the request deadline, authentication included, when the database is black-holed', async (t) => {
    const url = await emptyDatabase(t)
    const proxy = await createFaultProxy(t, { host: '127.0.0.1', port: Number(new URL(url).port || 5432) })
    const server = await startServer(t, {
      ...PG_ENV,
      DATABASE_URL: throughProxy(url, proxy.port),
      HANDLER_TIMEOUT_MS: '1500',
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_STATEMENT_TIMEOUT_MS: '8000',
    })
    const key = await server.adminKey()
    // Warm the pool so that pooled connections exist when the traffic stops getting through.
    await Promise.all(Array.from({ length: 4 }, () => send(server, key, '/api/v1/plans?limit=1')))

    proxy.setBlackHole(true)
    // Past the verified-key cache (1 s): the key must be checked against the database again.
    await sleep(1200)
    const replies = await Promise.all([
      send(server, key, '/api/v1/math/fibonacci/10'),
      send(server, key, '/api/v1/plans?limit=1'),
      send(server, key, '/api/v1/plans', { title: 'x', start_date: '2026-12-01' }),
    ])
    proxy.setBlackHole(false)
    proxy.cutAll()
    const recovered = await poll(10_000, async () => {
      const reply = await send(server, key, '/api/v1/math/fibonacci/10')
      return reply.statusCode === 200 ? reply : undefined
    })

    for (const reply of replies) {
      const code = (JSON.parse(reply.body) as { error_code?: string }).error_code
      assert.equal(reply.statusCode, 503, reply.body)
      assert.ok(code === 'HANDLER_TIMEOUT' || code === 'DATABASE_UNAVAILABLE', reply.body)
      assert.ok(reply.elapsedMs < 2500, `answered after ${Math.round(reply.elapsedMs)} ms`)
    }
    assert.equal(recovered.statusCode, 200)
    assert.equal(server.child.exitCode, null)
  })

  it('cancels on the server a query that the deadline abandoned, and leaves the row as it was', async (t) => {
    const url = await emptyDatabase(t)
    const server = await startServer(t, {
      ...PG_ENV,
      DATABASE_URL: url,
      HANDLER_TIMEOUT_MS: '1000',
      DB_CONNECT_TIMEOUT_MS: '800',
      DB_STATEMENT_TIMEOUT_MS: '20000',
    })
    const key = await server.adminKey()
    const created = await send(server, key, '/api/v1/plans', { title: 'locked', start_date: '2026-12-01' })
    const plan = JSON.parse(created.body) as { id: string; version: number }
    const database = new URL(url).pathname.slice(1)
    const holder = new pg.Client({ connectionString: url })
    await holder.connect()
    // Dropping the test database (after the test) terminates this connection: expected then.
    const holderErrors: Error[] = []
    holder.on('error', (error) => holderErrors.push(error))
    t.after(() => holder.end())
    await holder.query('begin')
    await holder.query('select id from plans where id = $1 for update', [plan.id])

    const started = performance.now()
    const patched = await fetch(`${server.baseUrl}/api/v1/plans/${plan.id}`, {
      method: 'PATCH',
      headers: { ...bearer(key), 'content-type': 'application/json', 'if-match': `"${plan.version}"` },
      body: JSON.stringify({ title: 'changed' }),
    })
    const elapsedMs = performance.now() - started
    const waiting = await poll(3000, async () => {
      const rows = await query<{ count: string }>(
        url,
        `select count(*) from pg_stat_activity
         where datname = $1 and application_name = 'bulwark' and wait_event_type = 'Lock'`,
        [database],
      )
      return rows[0]?.count === '0' ? performance.now() - started : undefined
    })
    await holder.query('rollback')
    const after = await send(server, key, `/api/v1/plans/${plan.id}`)

    assert.equal(patched.status, 503)
    assert.equal(((await patched.json()) as { error_code: string }).error_code, 'HANDLER_TIMEOUT')
    assert.ok(elapsedMs < 2000, `answered after ${Math.round(elapsedMs)} ms`)
    assert.ok(waiting < 4000, `the blocked statement ran on for ${Math.round(waiting)} ms`)
    assert.equal((JSON.parse(after.body) as { title: string; version: number }).title, 'locked')
    assert.equal((JSON.parse(after.body) as { version: number }).version, plan.version)
  })

  it('starts while PostgreSQL is down: alive, not ready, the cause logged once, ready once it is up', async (t) => {
    const cluster = await createPostgresCluster(t)
    await cluster.stop()
    const server = await startServer(t, {
      ...PG_ENV,
      DATABASE_URL: cluster.url,
      DB_CONNECT_TIMEOUT_MS: '1000',
    })

    const live = await send(server, '', '/health/live')
    const notReady = await send(server, '', '/health/ready')
    const api = await send(server, `bk_${'0'.repeat(16)}_${'A'.repeat(43)}`, '/api/v1/plans')
    // Several retries pass (0.5 s, 1 s, 2 s) before PostgreSQL comes up.
    await sleep(3000)
    await cluster.start()
    await poll(20_000, async () => {
      const reply = await send(server, '', '/health/ready')
      return reply.statusCode === 200 ? reply : undefined
    })
    const key = await server.adminKey()
    const created = await send(server, key, '/api/v1/plans', { title: 'late', start_date: '2026-12-01' })

    assert.equal(live.statusCode, 200)
    assert.equal(notReady.statusCode, 503)
    assertDatabaseUnavailable(api, 'an API call before the database is reachable')
    const causes = server.logs.filter((line) => line.reason === 'refused')
    assert.equal(causes.length, 1, 'the cause is logged once however often it is retried')
    assert.equal(causes[0]?.host, '127.0.0.1')
    assert.equal(causes[0]?.port, cluster.port)
    assert.match(String(causes[0]?.message), /is PostgreSQL running there\?/)
    assert.equal(created.statusCode, 201, created.body)
  })

  it('names a database that does not exist, with what to do, and stays alive', async (t) => {
    const url = new URL(await emptyDatabase(t))
    url.pathname = '/bulwark_no_such_database'

    const server = await startServer(t, { ...PG_ENV, DATABASE_URL: url.toString() })
    const cause = await server.waitForLog((line) => line.reason === 'unknown_database')
    const live = await send(server, '', '/health/live')
    const ready = await send(server, '', '/health/ready')

    assert.ok(
      String(cause.message).includes(`database "bulwark_no_such_database" does not exist at ${url.host}`),
      String(cause.message),
    )
    assert.match(String(cause.message), /createdb bulwark_no_such_database/)
    assert.equal(live.statusCode, 200)
    assert.equal(ready.statusCode, 503)
  })
})
