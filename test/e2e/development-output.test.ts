// What a developer sees at `npm start` (issue 9): one listening line, colour only on a terminal, the
// generated-secret notice once at info, a public-route list without HEAD and static-file entries.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { isolatedEnv, MAIN, startServer } from '../helpers/server-process.ts'

function dataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-dev-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

describe('development output', { timeout: 120_000 }, () => {
  it('says listening once, the generated secret once at info, and lists public routes without HEAD', async (t) => {
    const dir = dataDir(t)
    const first = await startServer(t, { DATA_DIR: dir, NODE_ENV: 'development', LOG_FORMAT: 'json' })
    await first.waitForLog((line) => line.message === 'routes reachable without credentials')
    first.child.kill('SIGTERM')
    assert.equal(await first.exited, 0)
    const second = await startServer(t, { DATA_DIR: dir, NODE_ENV: 'development', LOG_FORMAT: 'json' })

    // The management listener has a line of its own.
    const listening = first.logs.filter((line) => /^(?!admin ).*listening/i.test(String(line.message)))
    assert.deepEqual(
      listening.map((line) => line.message),
      ['listening'],
    )
    const notices = (logs: Record<string, unknown>[]) =>
      logs.filter((line) => String(line.message).includes('SECRET_KEY'))
    assert.equal(notices(first.logs).length, 1)
    assert.equal(notices(first.logs)[0]?.level, 'info')
    assert.match(String(notices(first.logs)[0]?.message), /generated one for development in .*secret-key/)
    assert.deepEqual(notices(second.logs), [])
    const routes = first.logs.find((line) => line.message === 'routes reachable without credentials')
    const publicRoutes = routes?.public_routes as string[]
    assert.ok(publicRoutes.includes('GET /health/live'))
    assert.deepEqual(
      publicRoutes.filter((route) => route.startsWith('HEAD ') || route.includes('/docs/static/')),
      [],
    )
  })

  it('writes pretty lines without colour codes when the output is not a terminal', async (t) => {
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      env: isolatedEnv({
        NODE_ENV: 'development',
        PORT: '0',
        ADMIN_PORT: '0',
        LOG_FORMAT: 'pretty',
        DATA_DIR: 'memory://',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    t.after(() => child.kill('SIGKILL'))
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 60_000)
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('INFO: listening')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })

    assert.match(output, /INFO: listening/)
    assert.ok(!output.includes('\u001b['), JSON.stringify(output.slice(0, 200)))
  })
})
