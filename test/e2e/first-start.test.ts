// The first start one step off the happy path (issue 9): a busy port is one line and exit 69, and creates
// no key that nobody sees; a later start where no key was ever used says how to create one.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { runBulwark, startServer } from '../helpers/server-process.ts'

function dataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-first-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Runs `serve` to its exit; stdout and stderr apart. */
function serveUntilExit(env: Record<string, string>) {
  return runBulwark(['serve'], { NODE_ENV: 'test', LOG_FORMAT: 'json', ...env })
}

describe('the first start', { timeout: 180_000 }, () => {
  it('answers a busy port with one line and exit 69, and creates no key it cannot show', async (t) => {
    const dir = dataDir(t)
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    t.after(() => squatter.close())
    const { port } = squatter.address() as { port: number }

    const busy = await serveUntilExit({
      PORT: String(port),
      DATA_DIR: dir,
      SECRET_KEY: 'first-start-secret-4f7a9c2e1b8d3f6a0c5e',
    })
    const later = await startServer(t, {
      DATA_DIR: dir,
      SECRET_KEY: 'first-start-secret-4f7a9c2e1b8d3f6a0c5e',
    })
    const key = await later.adminKey()

    assert.equal(busy.code, 69, busy.stdout + busy.stderr)
    const lines = busy.stdout.trim().split('\n')
    assert.equal(lines.length, 1, busy.stdout)
    assert.match(lines[0] ?? '', new RegExp(`port ${port} is in use; stop what listens there or set PORT`))
    assert.equal(busy.stderr, '', 'no stack, no banner')
    assert.match(key, /^bk_/, 'the key is created by the first start that can show it')
  })

  it('says how to create a key on a start where no key was ever used', async (t) => {
    const dir = dataDir(t)
    const env = { DATA_DIR: dir, SECRET_KEY: 'first-start-secret-4f7a9c2e1b8d3f6a0c5e' }
    const first = await startServer(t, env)
    await first.adminKey()
    first.child.kill('SIGTERM')
    assert.equal(await first.exited, 0)

    const second = await startServer(t, env)
    await second.waitForLog((line) => line.message === 'routes reachable without credentials')
    const hint = await new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no hint: ${second.stderr()}`)), 20_000)
      const check = setInterval(() => {
        if (!second.stderr().includes('npx bulwark keys create')) return
        clearInterval(check)
        clearTimeout(deadline)
        resolve(second.stderr())
      }, 50)
    })

    assert.match(hint, /No API key of this database has been used yet/)
    assert.match(hint, /npx bulwark keys create --name me --scopes admin/)
    assert.match(hint, /stop this server first/)
  })
})
