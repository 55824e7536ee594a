// What serving the embedded database to workers costs: an indexed read and a small insert transaction,
// in-process PGlite (one process, as with WORKERS=1) against the same database served over its Unix
// socket to two client processes (as two workers). Run: `node bench/pglite-served.ts [--seconds 5]`.
// A client is this file again: `node bench/pglite-served.ts --client <url> --op read|write --seconds N`.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import type { DatabaseConfig } from '../src/platform/config/config.ts'
import { createDatabase, createServedPgliteDatabase, type Database } from '../src/platform/db/database.ts'
import { servePglite } from '../src/platform/db/pglite-server.ts'

type Operation = 'read' | 'write'

const ROWS = 10_000
/** Requests in flight per process, as a worker under load would have. */
const CONCURRENCY = 8
const silent = { info: () => undefined, warn: () => undefined }

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    client: { type: 'string' },
    op: { type: 'string', default: 'read' },
  },
})
const seconds = Number(values.seconds)

function databaseConfig(dataDir: string): DatabaseConfig {
  return {
    url: undefined,
    dataDir,
    poolMax: 4,
    poolMin: 0,
    idleTimeoutMs: 10_000,
    connectTimeoutMs: 10_000,
    slowQueryMs: 0,
    statementTimeoutMs: 10_000,
    maxLifetimeS: 0,
    ssl: 'disable',
    sslCaFile: undefined,
    migrateOnStart: false,
    expectedInstances: 1,
    poolsPerInstance: 1,
    budgetPolicy: 'warn',
  }
}

async function runOperation(database: Database, op: Operation, sequence: number): Promise<void> {
  if (op === 'read') {
    const key = (sequence * 7919) % ROWS
    await sql`select id, label from items where key = ${key}`.execute(database.db)
    return
  }
  await database.db.transaction().execute(async (trx) => {
    await sql`insert into events (item_id, note) values (${sequence % ROWS}, 'bench')`.execute(trx)
    await sql`update items set hits = hits + 1 where key = ${sequence % ROWS}`.execute(trx)
  })
}

/** Operations completed in `seconds` with CONCURRENCY in flight. */
async function drive(database: Database, op: Operation): Promise<number> {
  const end = performance.now() + seconds * 1000
  let done = 0
  const lane = async (lane: number) => {
    for (let sequence = lane; performance.now() < end; sequence += CONCURRENCY) {
      await runOperation(database, op, sequence)
      done += 1
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => lane(index)))
  return done
}

async function seed(database: Database): Promise<void> {
  await sql`create table items (id serial primary key, key int not null unique, label text not null, hits int not null default 0)`.execute(
    database.db,
  )
  await sql`insert into items (key, label) select g, 'item ' || g from generate_series(0, ${ROWS - 1}) g`.execute(
    database.db,
  )
  await sql`create table events (id bigserial primary key, item_id int not null, note text not null, at timestamptz not null default now())`.execute(
    database.db,
  )
}

async function runClient(url: string, op: Operation): Promise<void> {
  const database = createServedPgliteDatabase(databaseConfig('memory://'), url, silent)
  const done = await drive(database, op)
  await database.close()
  process.stdout.write(`${done}\n`)
}

async function servedRun(url: string, op: Operation): Promise<number> {
  const file = fileURLToPath(import.meta.url)
  const clients = [0, 1].map(() => {
    const child = spawn(process.execPath, [file, '--client', url, '--op', op, '--seconds', String(seconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    return once(child, 'exit', { signal: AbortSignal.timeout(seconds * 1000 + 60_000) }).then(() =>
      Number(output.trim()),
    )
  })
  const counts = await Promise.all(clients)
  return counts.reduce((sum, count) => sum + count, 0)
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-bench-pglite-'))
  try {
    const database = createDatabase(databaseConfig(dataDir), silent)
    await seed(database)
    const served = await servePglite(database, {
      dataDir,
      maxConnections: 16,
      transactionIdleTimeoutMs: 10_000,
      log: silent,
    })
    const rows: string[] = []
    for (const op of ['read', 'write'] as const) {
      const inProcess = (await drive(database, op)) / seconds
      const overSocket = (await servedRun(served.url, op)) / seconds
      rows.push(
        `${op.padEnd(6)} in-process ${inProcess.toFixed(0).padStart(6)}/s   served to 2 processes ${overSocket.toFixed(0).padStart(6)}/s   ratio ${(overSocket / inProcess).toFixed(2)}`,
      )
    }
    await served.close()
    await database.close()
    process.stdout.write(`${rows.join('\n')}\n`)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (values.client === undefined) await main()
else await runClient(values.client, values.op === 'write' ? 'write' : 'read')
process.exit(0)
