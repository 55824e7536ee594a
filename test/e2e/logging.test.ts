// Logs an on-call engineer trusts, on real processes: the worker and the principal on access lines, the
// log level changed at run time across a fleet, and LOG_FILE written by one process, rotated without loss.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it, type TestContext } from 'node:test'
import { bearer, isolatedEnv, MAIN, startServer, type ServerProcess } from '../helpers/server-process.ts'

const FLEET_ENV = { WORKERS: '2', SHUTDOWN_TIMEOUT_MS: '5000', SHUTDOWN_DRAIN_DELAY_MS: '0' }

async function adminUrlOf(server: ServerProcess): Promise<string> {
  const line = await server.waitForLog((entry) => entry.message === 'admin listening')
  return `http://127.0.0.1:${String(line.port)}`
}

interface LevelReport {
  level: string
  workers?: { slot: number; level: string | null }[]
}

async function putLevel(admin: string, level: string): Promise<LevelReport> {
  const response = await fetch(`${admin}/log-level`, {
    method: 'PUT',
    body: JSON.stringify({ level }),
    signal: AbortSignal.timeout(5000),
  })
  assert.equal(response.status, 200)
  return (await response.json()) as LevelReport
}

async function getLevel(admin: string): Promise<LevelReport> {
  const response = await fetch(`${admin}/log-level`, { signal: AbortSignal.timeout(5000) })
  return (await response.json()) as LevelReport
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-logs-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Every line of the log file and its rotated copies, parsed (a line that is not JSON fails the test). */
function readLogFiles(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('bulwark.log'))
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    )
}

/** Sends `count` requests, `id-<n>` as X-Request-ID, a few at a time. */
async function sendRequests(baseUrl: string, prefix: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - start) }, (_, offset) =>
        fetch(`${baseUrl}/health/live`, {
          headers: { 'x-request-id': `${prefix}-${start + offset}` },
          signal: AbortSignal.timeout(5000),
        }).then((response) => response.text()),
      ),
    )
  }
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM')
  assert.equal(await server.exited, 0)
}

describe('log lines of a fleet', () => {
  it('name the worker and the principal on access lines, nothing for anonymous callers', async (t) => {
    const server = await startServer(t, FLEET_ENV)
    const key = await server.adminKey()

    await fetch(`${server.baseUrl}/api/v1/math/fibonacci/10`, {
      headers: { ...bearer(key), 'x-request-id': 'with-key' },
    })
    await fetch(`${server.baseUrl}/health/live`, { headers: { 'x-request-id': 'anonymous' } })

    const keyed = await server.waitForLog((line) => line.request_id === 'with-key')
    const anonymous = await server.waitForLog((line) => line.request_id === 'anonymous')
    assert.match(String(keyed.worker), /^[12]$/)
    assert.equal(typeof keyed.user_id, 'string')
    assert.equal(typeof keyed.api_key_id, 'string')
    assert.ok(!JSON.stringify(keyed).includes(key), 'the key secret is never logged')
    assert.match(String(anonymous.worker), /^[12]$/)
    assert.equal('user_id' in anonymous, false)
  })

  it('changes the level of the primary and every worker at run time, also for a worker started later', async (t) => {
    const server = await startServer(t, FLEET_ENV)
    const admin = await adminUrlOf(server)

    const before = await getLevel(admin)
    const raised = await putLevel(admin, 'debug')
    // A worker forked now starts at debug: its "worker listening" line is written at debug.
    server.child.kill('SIGTTIN')
    const thirdListening = await server.waitForLog(
      (line) => line.worker === '3' && line.message === 'worker listening' && line.level === 'debug',
      20_000,
    )
    // Listening comes just before ready; a worker not ready yet is not asked (its level is null).
    let withThird = await getLevel(admin)
    for (
      let tries = 0;
      tries < 50 && withThird.workers?.some((w) => w.level === null) !== false;
      tries += 1
    ) {
      await sleep(100)
      withThird = await getLevel(admin)
    }
    const lowered = await putLevel(admin, 'info')

    assert.deepEqual(before, {
      level: 'info',
      workers: [
        { slot: 1, level: 'info' },
        { slot: 2, level: 'info' },
      ],
    })
    assert.deepEqual(raised, {
      level: 'debug',
      workers: [
        { slot: 1, level: 'debug' },
        { slot: 2, level: 'debug' },
      ],
    })
    assert.ok(thirdListening)
    assert.deepEqual(
      withThird.workers?.map((worker) => worker.level),
      ['debug', 'debug', 'debug'],
    )
    assert.deepEqual(
      lowered.workers?.map((worker) => worker.level),
      ['info', 'info', 'info'],
    )
    const changes = server.logs.filter((line) => line.message === 'log level changed')
    assert.deepEqual(
      changes.map((line) => [line.level, line.worker, line.previous_log_level, line.log_level]),
      [
        ['warn', 'primary', 'info', 'debug'],
        ['warn', 'primary', 'debug', 'info'],
      ],
    )
    // The first two workers started at info: their debug lines were not written then.
    assert.ok(!server.logs.some((line) => line.message === 'worker listening' && line.worker !== '3'))
  })
})

describe('the log level of a single process', () => {
  it('is read and changed on its management listener and applies to the next line', async (t) => {
    const server = await startServer(t, { WORKERS: '1' })
    const admin = await adminUrlOf(server)

    const raised = await putLevel(admin, 'debug')
    const read = await getLevel(admin)
    const lowered = await putLevel(admin, 'warn')
    await fetch(`${server.baseUrl}/health/live`, { headers: { 'x-request-id': 'at-warn' } })
    await sleep(200)

    assert.deepEqual([raised, read, lowered], [{ level: 'debug' }, { level: 'debug' }, { level: 'warn' }])
    assert.equal(
      server.logs.some((line) => line.request_id === 'at-warn'),
      false,
      'an info access line is not written at warn',
    )
  })
})

describe('LOG_FILE', () => {
  it('with two workers, is written by the primary alone, rotated by size, and loses no line', async (t) => {
    const dir = tempDir(t)
    const path = join(dir, 'bulwark.log')
    const server = await startServer(t, {
      ...FLEET_ENV,
      LOG_FILE: path,
      LOG_FILE_MAX_SIZE_MB: '0.02',
      LOG_FILE_KEEP: '20',
    })

    await sendRequests(server.baseUrl, 'counted', 300)
    await stop(server)

    const lines = readLogFiles(dir)
    const ids = new Set(
      lines.filter((line) => line.message === 'request completed').map((line) => line.request_id),
    )
    const rotated = readdirSync(dir).filter((name) => /^bulwark\.log\.\d+$/.test(name))
    assert.equal(ids.size, 300)
    assert.ok(rotated.length >= 3, `rotated files: ${rotated.join(', ')}`)
    assert.ok(new Set(lines.map((line) => line.worker)).size >= 3, 'lines of the primary and both workers')
    // Every line written to stdout is in the file too, the last (the primary's "stopped") included.
    assert.equal(lines.length, server.logs.length)
  })

  it('keeps LOG_FILE_KEEP rotated files and deletes older ones', async (t) => {
    const dir = tempDir(t)
    const server = await startServer(t, {
      LOG_FILE: join(dir, 'bulwark.log'),
      LOG_FILE_MAX_SIZE_MB: '0.005',
      LOG_FILE_KEEP: '2',
    })

    await sendRequests(server.baseUrl, 'many', 200)
    await stop(server)

    assert.deepEqual(readdirSync(dir).toSorted(), ['bulwark.log', 'bulwark.log.1', 'bulwark.log.2'])
    // 0.005 MB: a rotated file holds whole lines up to 5243 bytes.
    for (const name of ['bulwark.log.1', 'bulwark.log.2']) {
      const size = readFileSync(join(dir, name)).length
      assert.ok(size > 4000 && size <= 5243, `${name}: ${size} bytes`)
    }
  })

  it("is opened again by the primary on SIGUSR2 after logrotate moved it, with the workers' lines", async (t) => {
    const dir = tempDir(t)
    const path = join(dir, 'bulwark.log')
    const server = await startServer(t, { ...FLEET_ENV, LOG_FILE: path, LOG_FILE_ROTATE: 'none' })
    await sendRequests(server.baseUrl, 'before', 5)
    await sleep(200)

    const admin = await adminUrlOf(server)
    const status = (await (await fetch(`${admin}/status`)).json()) as { workers: { pid: number }[] }
    const workerPids = status.workers.map((worker) => worker.pid)

    renameSync(path, `${path}.moved`)
    server.child.kill('SIGUSR2')
    // As a signal to the whole process group would: the workers ignore it.
    for (const pid of workerPids) process.kill(pid, 'SIGUSR2')
    await sleep(200)
    await sendRequests(server.baseUrl, 'after', 5)
    const after = (await (await fetch(`${admin}/status`)).json()) as { workers: { pid: number }[] }
    await stop(server)

    assert.deepEqual(
      after.workers.map((worker) => worker.pid),
      workerPids,
    )
    const moved = readFileSync(`${path}.moved`, 'utf8')
    const reopened = readFileSync(path, 'utf8')
    assert.ok(existsSync(path))
    assert.match(moved, /"before-4"/)
    assert.doesNotMatch(moved, /"after-0"/)
    assert.match(reopened, /"after-0"/)
  })
})

describe('LOG_FILE_ONLY', () => {
  it('writes the lines to the file and nothing to stdout', async (t) => {
    const dir = tempDir(t)
    const path = join(dir, 'bulwark.log')
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      env: isolatedEnv({
        NODE_ENV: 'test',
        PORT: '0',
        ADMIN_PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FILE: path,
        LOG_FILE_ONLY: 'true',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const exited = once(child, 'exit')
    t.after(() => child.kill('SIGKILL'))

    for (let tries = 0; tries < 300; tries += 1) {
      if (existsSync(path) && readFileSync(path, 'utf8').includes('"message":"listening"')) break
      await sleep(100)
    }
    child.kill('SIGTERM')
    const [code] = (await exited) as [number | null]

    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean)
    assert.equal(code, 0)
    assert.equal(stdout, '')
    assert.ok(lines.some((line) => line.includes('"message":"listening"')))
    assert.ok(lines.some((line) => line.includes('"message":"stopped"') || line.includes('shutdown')))
  })
})
