// Signals and the order of closing, as the real process meets them (issue 8): a SIGTERM sent to `npm start`
// alone reaches the server, and a shutdown right after a key's use still stores its last_used_at.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, it } from 'node:test'
import pg from 'pg'
import { emptyDatabase } from '../helpers/database.ts'
import { bearer, isolatedEnv, startServer } from '../helpers/server-process.ts'

const ROOT = new URL('../../', import.meta.url).pathname

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('signals to the real process', { timeout: 120_000 }, () => {
  it('stops the server gracefully when SIGTERM reaches only the `npm start` process, and npm exits 0', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-npm-'))
    t.after(() => rmSync(dataDir, { recursive: true, force: true }))
    // As a user runs it, prestart's build included: it replaces dist/ whole, and the tests run from dist-test/.
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: isolatedEnv({
        HOME: process.env.HOME ?? ROOT,
        NODE_ENV: 'test',
        PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        DATA_DIR: dataDir,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const npmExited = once(npm, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
    t.after(() => {
      if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL')
    })
    const logs: Record<string, unknown>[] = []
    const listening = new Promise<Record<string, unknown>>((resolve) => {
      createInterface({ input: npm.stdout }).on('line', (line) => {
        if (!line.startsWith('{')) return
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        if (entry.message === 'listening') resolve(entry)
      })
    })
    npm.stderr.resume()
    const { port } = await listening
    const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(npm.pid)], { encoding: 'utf8' })
    const serverPids = children.stdout.split('\n').filter(Boolean).map(Number)
    assert.equal(serverPids.length, 1, `npm's children: ${children.stdout}`)
    t.after(() => {
      for (const pid of serverPids) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
    })
    const served = await fetch(`http://127.0.0.1:${String(port)}/health/live`)

    npm.kill('SIGTERM')
    const [code, signal] = await npmExited

    assert.equal(served.status, 200)
    assert.deepEqual([code, signal], [0, null])
    assert.equal(isRunning(serverPids[0] ?? 0), false, 'the server outlived npm')
    assert.ok(
      logs.some((line) => line.phase === 'stopped'),
      'the server drained',
    )
  })

  it('stores last_used_at of a key used just before the shutdown, closing the database last', async (t) => {
    const url = await emptyDatabase(t)
    const server = await startServer(t, {
      DATABASE_URL: url,
      DB_SSL: 'disable',
      SHUTDOWN_DRAIN_DELAY_MS: '0',
    })
    const key = await server.adminKey(15_000)

    const used = await fetch(`${server.baseUrl}/api/v1/math/fibonacci/10`, { headers: bearer(key) })
    server.child.kill('SIGTERM')
    const code = await server.exited
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const { rows } = await client.query<{ last_used_at: Date | null }>('select last_used_at from api_keys')
    await client.end()

    assert.equal(used.status, 200)
    assert.equal(code, 0)
    assert.equal(rows.length, 1)
    assert.ok(rows[0]?.last_used_at instanceof Date, 'last_used_at was stored')
    const problems = server.logs.filter(
      (line) => ['error', 'fatal'].includes(String(line.level)) || String(line.message).startsWith('close '),
    )
    assert.deepEqual(problems, [])
    assert.ok(!JSON.stringify(server.logs).includes('driver has already been destroyed'))
  })

  it('exits on SIGTERM even when whoever read its log has gone (stdout a closed pipe)', async (t) => {
    const server = await startServer(t, { SHUTDOWN_DRAIN_DELAY_MS: '0' })
    // The reader of the log dies (a log shipper, or the terminal of `npm start | tee`): writes get EPIPE.
    server.child.stdout?.destroy()
    await fetch(`${server.baseUrl}/health/live`)

    const signalledAt = performance.now()
    server.child.kill('SIGTERM')
    const exited = await Promise.race([
      server.exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, 15_000, false)),
    ])

    assert.ok(exited, 'the server still ran 15 s after SIGTERM')
    assert.ok(performance.now() - signalledAt < 15_000)
  })
})
