// The embedded database served to other processes: transactions that never interleave, a killed or idle
// client rolled back, the same error codes as PostgreSQL, start-up settings refused, a clean close.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, it, type TestContext } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { pino } from 'pino'
import {
  createDatabase,
  createServedPgliteDatabase,
  type Database,
} from '../../../src/platform/db/database.ts'
import { translateDatabaseError } from '../../../src/platform/db/errors.ts'
import {
  planServedConnections,
  servePglite,
  type ServedPglite,
} from '../../../src/platform/db/pglite-server.ts'
import { createPlansRepo } from '../../../src/modules/plans/repo.ts'
import type { NewPlan } from '../../../src/modules/plans/service.ts'
import { AppError } from '../../../src/platform/errors/app-error.ts'
import { testConfig } from '../../helpers/build-app.ts'
import { migrateDatabase, readMigrationState } from '../../../src/platform/db/migrator.ts'
import { prepareDatabase } from '../../../src/platform/db/prepare.ts'
import { MIGRATIONS } from '../../../src/db/migrations.ts'

const CLIENT = new URL('../../fixtures/served-pglite-client.ts', import.meta.url).pathname
const silent = { info: () => undefined, warn: () => undefined }
const WAIT_MS = 20_000
const PLAN: NewPlan = {
  id: '00000000-0000-4000-8000-000000000001',
  owner: 'owner-1',
  title: 'Served',
  description: '',
  status: 'draft',
  start_date: '2026-01-01',
  end_date: null,
  tags: [],
}

/** Cleanups run newest first (t.after runs them in the order they were added): workers, server, database. */
function cleanupStack(t: TestContext): (cleanup: () => Promise<void>) => void {
  const stack: (() => Promise<void>)[] = []
  t.after(async () => {
    for (const cleanup of stack.reverse()) await cleanup()
  })
  return (cleanup) => stack.push(cleanup)
}

/** A migrated in-memory PGlite with the tables these tests use, served on a private socket. */
async function servedDatabase(
  t: TestContext,
  options: { transactionIdleTimeoutMs?: number; maxConnections?: number } = {},
): Promise<{ primary: Database; served: ServedPglite; defer: (cleanup: () => Promise<void>) => void }> {
  const defer = cleanupStack(t)
  const primary = createDatabase({ ...testConfig().db, url: undefined, dataDir: 'memory://' }, silent)
  defer(() => primary.close())
  await migrateDatabase(primary, MIGRATIONS)
  await sql`create table counter (id int primary key, value int not null)`.execute(primary.db)
  await sql`insert into counter values (1, 0)`.execute(primary.db)
  await sql`create table notes (label text primary key)`.execute(primary.db)
  const served = await servePglite(primary, {
    dataDir: 'memory://',
    maxConnections: options.maxConnections ?? 16,
    transactionIdleTimeoutMs: options.transactionIdleTimeoutMs ?? 10_000,
    log: silent,
  })
  defer(() => served.close())
  return { primary, served, defer }
}

/** What a worker opens: the pg path, in this process. */
function workerDatabase(defer: (cleanup: () => Promise<void>) => void, url: string, poolMax = 2): Database {
  const config = { ...testConfig().db, poolMax, connectTimeoutMs: 10_000, statementTimeoutMs: 10_000 }
  const database = createServedPgliteDatabase(config, url, silent)
  defer(() => database.close())
  return database
}

/** A client process (test/fixtures/served-pglite-client.ts), killed after the test if still running. */
function clientProcess(t: TestContext, url: string, ...args: string[]) {
  const child = spawn(process.execPath, [CLIENT, url, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  const lines = createInterface({ input: child.stdout })
  const nextLine = async () => {
    const [line] = (await once(lines, 'line', { signal: AbortSignal.timeout(WAIT_MS) })) as [string]
    return line
  }
  return { child, exited, nextLine }
}

/** The promise's outcome, or a rejection once ms have passed. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no outcome within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

/** Writes bytes on a new connection and collects what comes back until the server closes or 300 ms pass. */
function rawExchange(path: string, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect(path, () => socket.write(bytes))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks)))
    socket.setTimeout(300, () => socket.end())
  })
}

async function counterValue(database: Database): Promise<number> {
  const { rows } = await sql<{ value: number }>`select value from counter where id = 1`.execute(database.db)
  return rows[0]?.value ?? -1
}

async function noteLabels(database: Database): Promise<string[]> {
  const { rows } = await sql<{ label: string }>`select label from notes order by label`.execute(database.db)
  return rows.map((row) => row.label)
}

describe('the embedded database served to other processes', () => {
  it('runs two processes’ concurrent read-modify-write transactions without losing an update', async (t) => {
    const { primary, served } = await servedDatabase(t)
    const first = clientProcess(t, served.url, 'increment', '60')
    const second = clientProcess(t, served.url, 'increment', '60')

    const lines = await Promise.all([first.nextLine(), second.nextLine()])

    assert.deepEqual(lines, ['done 60', 'done 60'])
    assert.equal(await counterValue(primary), 120)
  })

  it('rolls back the transaction of a client killed mid-transaction, and the others go on', async (t) => {
    const { primary, served, defer } = await servedDatabase(t)
    const holder = clientProcess(t, served.url, 'hold', 'uncommitted')
    assert.equal(await holder.nextLine(), 'holding')
    const worker = workerDatabase(defer, served.url)
    // Waits for the session the holder's transaction keeps, so it cannot see the uncommitted row.
    const waiting = noteLabels(worker)

    holder.child.kill('SIGKILL')
    await holder.exited
    await sql`insert into notes (label) values ('after')`.execute(worker.db)

    assert.deepEqual(await waiting, [])
    assert.deepEqual(await noteLabels(primary), ['after'])
  })

  it('closes a connection idle in a transaction past the limit and rolls its transaction back', async (t) => {
    const { served, defer } = await servedDatabase(t, { transactionIdleTimeoutMs: 300 })
    const holder = clientProcess(t, served.url, 'hold', 'abandoned')
    assert.equal(await holder.nextLine(), 'holding')
    const worker = workerDatabase(defer, served.url)

    const labels = await noteLabels(worker)

    assert.deepEqual(labels, [])
  })

  it('keeps the primary’s own transaction whole while a worker queries', async (t) => {
    const { primary, served, defer } = await servedDatabase(t)
    const worker = workerDatabase(defer, served.url)
    await noteLabels(worker)
    const fromWorker: Promise<string[]>[] = []

    const outcome = await primary.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into notes (label) values ('rolled back')`.execute(trx)
        fromWorker.push(noteLabels(worker))
        // Time for the worker's query to reach the server: run now, it would see the uncommitted row.
        await new Promise((resolve) => setTimeout(resolve, 100))
        throw new Error('roll back')
      })
      .catch((error: unknown) => (error as Error).message)

    assert.equal(outcome, 'roll back')
    assert.deepEqual(await fromWorker[0], [])
  })

  it('reports constraint violations with PostgreSQL’s codes, translated as with PostgreSQL', async (t) => {
    const { served, defer } = await servedDatabase(t)
    const worker = workerDatabase(defer, served.url)
    await sql`insert into notes (label) values ('taken')`.execute(worker.db)

    const duplicate = await sql`insert into notes (label) values ('taken')`.execute(worker.db).then(
      () => assert.fail('a duplicate was inserted'),
      (error: unknown) => error as Error & { code?: string; constraint?: string },
    )
    const invalidPlan = await createPlansRepo(worker.db)
      .insert({ ...PLAN, start_date: '2026-02-01', end_date: '2026-01-01' })
      .then(
        () => assert.fail('a plan ending before its start was stored'),
        (error: unknown) => error,
      )

    assert.equal(duplicate.code, '23505')
    assert.equal(duplicate.constraint, 'notes_pkey')
    assert.equal(translateDatabaseError(duplicate), undefined)
    assert.ok(invalidPlan instanceof AppError)
    assert.equal(invalidPlan.code, 'VALIDATION_FAILED')
  })

  it('refuses a session setting at start-up, which would change the session every connection shares', async (t) => {
    const { served } = await servedDatabase(t)
    const client = new pg.Client({
      connectionString: served.url,
      connectionTimeoutMillis: WAIT_MS,
      statement_timeout: 1000,
    })

    const error = await client.connect().then(
      () => assert.fail('connected'),
      (failure: unknown) => failure as Error & { code?: string },
    )

    assert.equal(error.code, '0A000')
    assert.match(error.message, /statement_timeout/)
  })

  it('answers a malformed start-up and garbage on their own connections, and serves the next one', async (t) => {
    const { served, defer } = await servedDatabase(t)
    const socketPath = join(new URL(served.url).searchParams.get('host') ?? '', '.s.PGSQL.5432')
    // No user name (PGlite's own start-up handling throws on it), then a length no message can have.
    const body = Buffer.from('database\0postgres\0\0')
    const header = Buffer.alloc(8)
    header.writeInt32BE(body.length + 8, 0)
    header.writeInt32BE(196608, 4)
    const answers = await Promise.all(
      [Buffer.concat([header, body]), Buffer.from([0, 0, 0, 2, 1, 2, 3, 4])].map((bytes) =>
        within(rawExchange(socketPath, bytes), WAIT_MS),
      ),
    )
    const worker = workerDatabase(defer, served.url)

    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(worker.db)

    assert.deepEqual(rows, [{ one: 1 }])
    assert.equal(answers[0]?.[0], 0x52) // 'R': authenticated, as PostgreSQL's trust method would
    assert.match(answers[1]?.toString('latin1') ?? '', /C08P01/)
  })

  it('refuses connections past its limit with 53300, which the API answers as unavailable', async (t) => {
    const { served, defer } = await servedDatabase(t, { maxConnections: 1 })
    const first = new pg.Client({ connectionString: served.url, connectionTimeoutMillis: WAIT_MS })
    await first.connect()
    defer(() => first.end())
    const second = new pg.Client({ connectionString: served.url, connectionTimeoutMillis: WAIT_MS })

    const error = await second.connect().then(
      () => assert.fail('connected'),
      (failure: unknown) => failure as Error & { code?: string },
    )

    assert.equal(error.code, '53300')
    assert.equal(translateDatabaseError(error)?.code, 'DATABASE_UNAVAILABLE')
  })

  it('closes its connections and removes its socket on close', async (t) => {
    const { served } = await servedDatabase(t)
    const client = new pg.Client({ connectionString: served.url, connectionTimeoutMillis: WAIT_MS })
    await client.connect()
    const errors: (Error & { code?: string })[] = []
    client.on('error', (error: Error & { code?: string }) => errors.push(error))
    const ended = new Promise((resolve) => client.once('end', resolve))
    const directory = decodeURIComponent(new URL(served.url).searchParams.get('host') ?? '')

    await served.close()

    await within(ended, WAIT_MS)
    assert.equal(errors[0]?.code, '57P01')
    assert.equal(existsSync(directory), false)
  })

  it('serves a DATA_DIR database from a private directory in it, replacing a socket a killed primary left', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-served-'))
    const defer = cleanupStack(t)
    defer(async () => rmSync(dataDir, { recursive: true, force: true }))
    mkdirSync(join(dataDir, 'bulwark-socket'))
    writeFileSync(join(dataDir, 'bulwark-socket', '.s.PGSQL.5432'), '')
    const primary = createDatabase({ ...testConfig().db, url: undefined, dataDir }, silent)
    defer(() => primary.close())
    const served = await servePglite(primary, {
      dataDir,
      maxConnections: 2,
      transactionIdleTimeoutMs: 1000,
      log: silent,
    })
    defer(() => served.close())
    const worker = workerDatabase(defer, served.url, 1)

    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(worker.db)

    assert.deepEqual(rows, [{ one: 1 }])
    assert.equal(new URL(served.url).searchParams.get('host'), join(dataDir, 'bulwark-socket'))
  })

  it('leaves migrations to the primary: a worker’s prepareDatabase neither migrates nor checks a budget', async (t) => {
    const defer = cleanupStack(t)
    const primary = createDatabase({ ...testConfig().db, url: undefined, dataDir: 'memory://' }, silent)
    defer(() => primary.close())
    const served = await servePglite(primary, {
      dataDir: 'memory://',
      maxConnections: 2,
      transactionIdleTimeoutMs: 1000,
      log: silent,
    })
    defer(() => served.close())
    const config = { ...testConfig().db, migrateOnStart: true, budgetPolicy: 'refuse' as const }
    const worker = workerDatabase(defer, served.url)

    await prepareDatabase(config, worker, MIGRATIONS, pino({ level: 'silent' }))

    assert.equal(worker.backend, 'pglite-served')
    const { pending } = await readMigrationState(primary.db, MIGRATIONS)
    assert.equal(pending.length, Object.keys(MIGRATIONS).length)
  })

  it('plans one worker’s pool of spare connections for a replacement worker', () => {
    assert.deepEqual(planServedConnections({ workers: 4, poolMax: 10 }), {
      poolMaxPerWorker: 10,
      maxConnections: 50,
    })
  })
})
