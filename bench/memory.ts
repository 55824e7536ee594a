// Memory of one `bulwark serve` process: resident set (VmRSS) and V8 heap at idle and after a bounded
// burst of the benchmark's requests plus math evaluations, on PostgreSQL or on the in-process PGlite.
// Usage: node bench/memory.ts [--dist dist] [--database postgres|pglite] [--seconds 5] [--connections 10]
// [--log-level warn] [--node-flags='--max-semi-space-size=16'] (default: the shipped memory flags of
// src/server/memory-flags.ts; --node-flags='' for V8's defaults)
// (build first: node scripts/build.ts dist). Traffic goes to 127.0.0.1 only; every step is bounded.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs, promisify } from 'node:util'
import { dropBenchDatabase, openBenchDatabase } from './database.ts'
import { readRssMb } from './measure.ts'
import { PLAN_OWNER } from './plans.ts'
import { findFreePort, installCleanup, spawnPinned, stopProcess } from './processes.ts'
import { MEMORY_FLAGS } from '../src/server/memory-flags.ts'
import { createBulwarkSecrets } from './targets.ts'

interface Autocannon {
  (
    options: Record<string, unknown>,
    done: (error: Error | null, result: { requests: { total: number }; non2xx: number }) => void,
  ): void
}
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const { values: options } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    database: { type: 'string', default: 'postgres' },
    seconds: { type: 'string', default: '5' },
    // Per request stream; `npm run bench` uses 50 with LOG_LEVEL=info (an access line per request).
    connections: { type: 'string', default: '10' },
    'log-level': { type: 'string', default: 'warn' },
    // Flags for the server's Node, given with '=': --node-flags='--max-semi-space-size=16'.
    'node-flags': { type: 'string', default: MEMORY_FLAGS.join(' ') },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (options.help) {
  process.stdout.write(`Usage: node bench/memory.ts [--dist DIR] [--database postgres|pglite] [--seconds N]
       [--connections N] [--log-level LEVEL] [--node-flags='FLAGS']

Starts one Bulwark process from DIR (default dist), loads it with every kind of request (evaluations
included) and prints its memory before and after. --node-flags defaults to src/server/memory-flags.ts.
`)
  process.exit(0)
}
const DATABASE_NAME = 'bulwark_memory'
const nodeFlags = options['node-flags'].split(' ').filter((flag) => flag !== '')
const SECONDS = Math.min(Math.max(Number(options.seconds), 1), 60)
const CONNECTIONS = Math.min(Math.max(Number(options.connections), 1), 100)
const KEY_SCOPES = 'math:read,plans:read,plans:write'
const EXPRESSIONS = [
  'sqrt(2)^2 + sin(pi / 4) * cos(e)',
  'det([[1, 2], [3, 4]]) + sum([1, 2, 3]) + mean([4, 5, 6])',
  'inv([[2, 1], [1, 3]]) * [1, 2]',
  'x^2 + y > 3 ? gamma(5) : combinations(10, 3)',
]

interface Memory {
  rssMb: number
  heapUsedMb: number
  heapTotalMb: number
  /** Part of heapTotal: the young generation. */
  newSpaceMb: number
  externalMb: number
  /** Only with --expose-gc: heap used after a full collection, read after the figures above. */
  heapUsedAfterGcMb?: number
}

// Loaded into the server with --import: on SIGUSR2, writes its memory use and the young generation's
// reserved size (V8 grows it to 2 × --max-semi-space-size under allocation) to a file. With --expose-gc
// among the node flags it then runs a full collection and adds the heap still used after it (live data).
function memoryProbe(file: string): string {
  const source = `import { writeFileSync } from 'node:fs'
import { getHeapSpaceStatistics } from 'node:v8'
process.on('SIGUSR2', () => {
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
  const usage = { ...process.memoryUsage(), newSpace: newSpace?.space_size ?? 0 }
  if (typeof globalThis.gc === 'function') {
    globalThis.gc()
    usage.heapUsedAfterGc = process.memoryUsage().heapUsed
  }
  writeFileSync(${JSON.stringify(file)}, JSON.stringify(usage))
})`
  return `data:text/javascript,${encodeURIComponent(source)}`
}

async function readMemory(pid: number, file: string): Promise<Memory> {
  rmSync(file, { force: true })
  process.kill(pid, 'SIGUSR2')
  for (let attempt = 0; attempt < 50; attempt++) {
    await sleep(100)
    try {
      const usage = JSON.parse(readFileSync(file, 'utf8')) as NodeJS.MemoryUsage & {
        newSpace: number
        heapUsedAfterGc?: number
      }
      const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10
      return {
        rssMb: Math.round(readRssMb(pid) * 10) / 10,
        heapUsedMb: mb(usage.heapUsed),
        heapTotalMb: mb(usage.heapTotal),
        newSpaceMb: mb(usage.newSpace),
        externalMb: mb(usage.external),
        ...(usage.heapUsedAfterGc === undefined ? {} : { heapUsedAfterGcMb: mb(usage.heapUsedAfterGc) }),
      }
    } catch {
      // Not written yet.
    }
  }
  throw new Error('the server did not report its memory')
}

function burst(url: string, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ requests: number; non2xx: number }>((done, fail) => {
    const request = { url, method, headers, connections: CONNECTIONS, duration: SECONDS, timeout: 10 }
    autocannon(body === undefined ? request : { ...request, body }, (error, result) => {
      if (error === null) done({ requests: result.requests.total, non2xx: result.non2xx })
      else fail(error)
    })
  })
}

installCleanup()
const root = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'bulwark-memory-'))
const secrets = createBulwarkSecrets()
const postgres = options.database === 'postgres'
const database = postgres ? await openBenchDatabase(DATABASE_NAME) : undefined
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOST: '127.0.0.1',
  LOG_LEVEL: options['log-level'],
  SECRET_KEY: secrets.secretKey,
  AUTH_JWT_SIGNING_KEY_FILE: secrets.signingKeyFile,
  DOCS_ENABLED: 'false',
  ENV_FILE: '/dev/null',
  ...(database === undefined
    ? { NODE_ENV: 'development', DATA_DIR: join(work, 'data') }
    : { NODE_ENV: 'production', DATABASE_URL: database.url, DB_SSL: 'disable', MIGRATE_ON_START: 'true' }),
}
try {
  const main = join(options.dist, 'main.js')
  const keyArgs = [main, 'keys', 'create', '--name', 'memory', '--scopes', KEY_SCOPES, '--owner', PLAN_OWNER]
  const { stdout } = await promisify(execFile)(process.execPath, keyArgs, { cwd: root, env, timeout: 60_000 })
  const apiKey = stdout.split('\n', 1)[0] ?? ''
  const port = await findFreePort()
  const probeFile = join(work, 'memory.json')
  const server = spawnPinned({
    core: 1,
    args: [...nodeFlags, '--import', memoryProbe(probeFile), main, 'serve'],
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdout: 'ignore',
  })
  const base = `http://127.0.0.1:${port}`
  const auth = { authorization: `Bearer ${apiKey}` }
  const json = { ...auth, 'content-type': 'application/json' }
  const deadline = performance.now() + 30_000
  while ((await fetch(`${base}/health/live`).catch(() => undefined))?.ok !== true) {
    if (performance.now() > deadline) throw new Error(`server not ready:\n${server.stderrTail()}`)
    await sleep(200)
  }
  await sleep(2000)
  const idle = await readMemory(server.pid, probeFile)
  const values = Array.from({ length: 100 }, (_, index) => (index * 37) % 101)
  const loads = [
    burst(`${base}/api/v1/math/fibonacci/30`, 'GET', auth),
    burst(`${base}/api/v1/math/statistics`, 'POST', json, JSON.stringify({ values })),
    burst(`${base}/api/v1/plans`, 'GET', auth),
    ...EXPRESSIONS.map((expression) =>
      burst(
        `${base}/api/v1/math/evaluate`,
        'POST',
        json,
        JSON.stringify({ expression, scope: { x: 2, y: 1 } }),
      ),
    ),
  ]
  let requests = 0
  let non2xx = 0
  for (const load of loads) {
    const result = await load
    requests += result.requests
    non2xx += result.non2xx
  }
  await sleep(2000)
  const loaded = await readMemory(server.pid, probeFile)
  await stopProcess(server)
  const run = {
    dist: options.dist,
    database: options.database,
    nodeFlags,
    connections: CONNECTIONS,
    logLevel: options['log-level'],
    node: process.version,
  }
  console.log(JSON.stringify({ ...run, idle, loaded, requests, non2xx }))
} finally {
  await database?.close()
  if (database !== undefined) await dropBenchDatabase(DATABASE_NAME)
  secrets.remove()
  rmSync(work, { recursive: true, force: true })
}
