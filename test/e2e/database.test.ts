// The data layer as operators meet it: migrations from two processes, migrate --status, restarts.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import pg from 'pg'
import { MIGRATIONS } from '../../src/db/migrations.ts'
import { emptyDatabase } from '../helpers/database.ts'
import { bearer, runBulwark, startServer, type ServerProcess } from '../helpers/server-process.ts'
import { planInput } from '../helpers/plans.ts'
import { TEST_SIGNING_KEY_FILE } from '../helpers/build-app.ts'

/** POSTs a plan with the key to a running server; the response as fetch returns it. */
function postPlan(server: ServerProcess, key: string, title: string): Promise<Response> {
  return fetch(`${server.baseUrl}/api/v1/plans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(key) },
    body: JSON.stringify(planInput({ title })),
  })
}

/** Runs a command to its exit, stdout and stderr as one text (the order of lines across them aside). */
async function run(args: string[], env: Record<string, string>) {
  const { code, stdout, stderr } = await runBulwark(args, env)
  return { code, stdout: stdout + stderr }
}

describe('bulwark migrate', () => {
  it('applies each migration exactly once when two processes run it at the same time', async (t) => {
    const url = await emptyDatabase(t)
    const env = { NODE_ENV: 'test', DATABASE_URL: url, DB_SSL: 'disable' }

    const [first, second] = await Promise.all([run(['migrate'], env), run(['migrate'], env)])

    assert.equal(first.code, 0, first.stdout)
    assert.equal(second.code, 0, second.stdout)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const { rows } = await client.query<{ name: string }>('select name from kysely_migration order by name')
    await client.end()
    assert.deepEqual(
      rows.map((row) => row.name),
      Object.keys(MIGRATIONS),
    )
    const outputs = [first.stdout, second.stdout]
    assert.equal(outputs.filter((output) => output.includes('applied: ')).length, 1, outputs.join('\n---\n'))
    assert.equal(outputs.filter((output) => output.includes('nothing to apply')).length, 1)
  })

  it('lists applied and pending migrations with --status, applying nothing', async (t) => {
    const url = await emptyDatabase(t)
    const env = { NODE_ENV: 'test', DATABASE_URL: url, DB_SSL: 'disable' }

    const before = await run(['migrate', '--status'], env)
    await run(['migrate'], env)
    const after = await run(['migrate', '--status'], env)

    assert.equal(before.code, 0, before.stdout)
    for (const name of Object.keys(MIGRATIONS)) {
      assert.match(before.stdout, new RegExp(`^pending  ${name}$`, 'm'))
      assert.match(after.stdout, new RegExp(`^applied  ${name}  \\d{4}-`, 'm'))
    }
  })

  it('exits 1 with the reason when the database cannot be reached', async () => {
    const result = await run(['migrate'], {
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      DB_SSL: 'disable',
    })

    assert.equal(result.code, 1)
    // One line a person can act on, no stack.
    assert.equal(
      result.stdout,
      'bulwark migrate: nothing accepts connections at 127.0.0.1:1: is PostgreSQL running there?\n',
    )
  })
})

describe('bulwark serve with a database', () => {
  it('keeps embedded PGlite data under DATA_DIR across a restart', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-data-'))
    const env = { DATA_DIR: dataDir }

    const first = await startServer(t, env)
    // The first start's key (and the secret-key file under DATA_DIR that peppers it) survive the restart too.
    const key = await first.adminKey()
    const created = await postPlan(first, key, 'Survives restarts')
    const plan = (await created.json()) as { id: string }
    first.child.kill('SIGTERM')
    assert.equal(await first.exited, 0)
    const second = await startServer(t, env)
    const fetched = await fetch(`${second.baseUrl}/api/v1/plans/${plan.id}`, { headers: bearer(key) })

    assert.equal(created.status, 201)
    assert.equal(fetched.status, 200)
    assert.equal(((await fetched.json()) as { title: string }).title, 'Survives restarts')
  })

  it('fails readiness while migrations are pending and MIGRATE_ON_START is off', async (t) => {
    const url = await emptyDatabase(t)

    const server = await startServer(t, { DATABASE_URL: url, DB_SSL: 'disable', MIGRATE_ON_START: 'false' })
    const ready = await fetch(`${server.baseUrl}/health/ready`)

    assert.equal(ready.status, 503)
    const body = (await ready.json()) as { checks: { migrations: { status: string } } }
    assert.equal(body.checks.migrations.status, 'failing')
    const failing = await server.waitForLog((line) => line.message === 'health check failing')
    assert.match(String(failing.error), /pending: 0001_plans/)
    // PostgreSQL is prepared after the server listens: the warning may follow the first readiness answer.
    const pending = await server.waitForLog((line) => String(line.message).startsWith('migrations pending:'))
    assert.deepEqual(pending.pending, ['0001_plans', ...(pending.pending as string[]).slice(1)])
  })

  it('refuses to start in production when the pools would exceed max_connections', async (t) => {
    const url = await emptyDatabase(t)

    const result = await run(['serve'], {
      NODE_ENV: 'production',
      PORT: '0',
      SECRET_KEY: 'k3J9x-Qw8vL2mN5pR7tY1zA4bC6dE0fG_hI',
      DATABASE_URL: url,
      DB_SSL: 'disable',
      EXPECTED_INSTANCES: '1000',
      AUTH_JWT_SIGNING_KEY_FILE: TEST_SIGNING_KEY_FILE,
    })

    assert.equal(result.code, 78)
    assert.match(
      result.stdout,
      /connection budget: DB_POOL_MAX \(10\) × WORKERS \(\d+\) × EXPECTED_INSTANCES \(1000\)/,
    )
  })

  it('only warns about the connection budget outside production', async (t) => {
    const url = await emptyDatabase(t)

    const server = await startServer(t, { DATABASE_URL: url, DB_SSL: 'disable', EXPECTED_INSTANCES: '1000' })
    // PostgreSQL is prepared after the server listens: the warning follows the listening line.
    const warning = await server.waitForLog((line) => String(line.message).startsWith('connection budget:'))

    assert.equal(warning.level, 'warn')
  })
})

describe('one process per embedded DATA_DIR', () => {
  it('refuses a second server and the CLI while a server holds it, and restarts after SIGKILL with data kept', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-data-'))
    const env = { DATA_DIR: dataDir }
    const first = await startServer(t, env)
    const key = await first.adminKey()
    const created = await postPlan(first, key, 'Acknowledged once')
    assert.equal(created.status, 201)
    const plan = (await created.json()) as { id: string }

    // With SECRET_KEY set, as in a real .env: no development-secret warning before the refusal.
    const secret = { SECRET_KEY: 'e2e-lock-secret-7c1f3a9b5d2e8f4a6c0b9d1e' }
    const second = await run(['serve'], {
      NODE_ENV: 'test',
      PORT: '0',
      LOG_FORMAT: 'json',
      DATA_DIR: dataDir,
      ...secret,
    })
    // The pretty logger's transport must be flushed before the exit too (it once drained the loop: exit 13).
    const pretty = await run(['serve'], {
      NODE_ENV: 'development',
      WORKERS: '2',
      PORT: '0',
      LOG_FORMAT: 'pretty',
      DATA_DIR: dataDir,
      ...secret,
    })
    const keys = await run(['keys', 'create', '--name', 'beside', '--scopes', 'math:read'], {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      ...secret,
    })
    first.child.kill('SIGKILL')
    await first.exited
    const third = await startServer(t, env)
    const fetched = await fetch(`${third.baseUrl}/api/v1/plans/${plan.id}`, { headers: bearer(key) })

    const inUse = `DATA_DIR ${dataDir} is in use by another Bulwark process \\(pid ${first.child.pid}, serving ${first.baseUrl}\\)`
    assert.equal(second.code, 75, second.stdout)
    assert.equal(second.stdout.trim().split('\n').length, 1, second.stdout)
    assert.match(second.stdout, new RegExp(inUse))
    assert.equal(pretty.code, 75, pretty.stdout)
    assert.match(pretty.stdout, /FATAL: DATA_DIR .* is in use by another Bulwark process/)
    assert.equal(keys.code, 75, keys.stdout)
    assert.match(keys.stdout, new RegExp(`^bulwark: ${inUse}`))
    assert.ok(keys.stdout.includes(`curl -X POST ${first.baseUrl}/api/v1/api-keys`), keys.stdout)
    assert.equal(fetched.status, 200)
    assert.equal(((await fetched.json()) as { title: string }).title, 'Acknowledged once')
  })
})
