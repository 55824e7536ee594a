// The DATA_DIR lock with real processes: a live holder keeps others out, a killed one does not.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, it, type TestContext } from 'node:test'
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../../src/platform/db/data-dir-lock.ts'

const MODULE = new URL('../../../src/platform/db/data-dir-lock.ts', import.meta.url).href

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-lock-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A second process that takes the lock and holds it until killed. */
async function holderProcess(t: TestContext, dir: string) {
  const script = `import { lockDataDir } from ${JSON.stringify(MODULE)}
lockDataDir(${JSON.stringify(dir)}).setUrl('http://127.0.0.1:1234')
console.log('locked')
setInterval(() => {}, 1000)`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit')
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  const lines = createInterface({ input: child.stdout })
  const [line] = (await once(lines, 'line')) as [string]
  assert.equal(line, 'locked')
  return { child, exited }
}

describe('lockDataDir', () => {
  it('refuses a second process while the first holds the directory, naming its pid and address', async (t) => {
    const dir = tempDir(t)
    const holder = await holderProcess(t, dir)

    assert.throws(
      () => lockDataDir(dir),
      (error: unknown) => {
        assert.ok(error instanceof DataDirLockedError)
        assert.equal(error.holder.pid, holder.child.pid)
        assert.match(error.message, new RegExp(`DATA_DIR ${dir} is in use by another Bulwark process`))
        assert.match(error.message, /serving http:\/\/127\.0\.0\.1:1234/)
        return true
      },
    )
  })

  it('takes over the lock of a process that was killed with SIGKILL', async (t) => {
    const dir = tempDir(t)
    const holder = await holderProcess(t, dir)
    holder.child.kill('SIGKILL')
    await holder.exited
    assert.ok(existsSync(join(dir, LOCK_FILE)), 'a killed holder leaves its lock file behind')

    const lock = lockDataDir(dir)
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid)
    lock.release()
    assert.equal(existsSync(join(dir, LOCK_FILE)), false)
  })

  it('takes over a lock whose pid now belongs to another process (started at another time)', (t) => {
    const dir = tempDir(t)
    // pid 1 is alive, but it did not start at these ticks: the pid was reused after the holder died.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: hostname(), startTicks: '1' }))
    lockDataDir(dir).release()
  })

  it('takes over an empty or torn lock file (the holder died while writing it)', (t) => {
    for (const content of ['', '{"pid":']) {
      const dir = tempDir(t)
      writeFileSync(join(dir, LOCK_FILE), content)
      lockDataDir(dir).release()
    }
  })

  it('takes over the lock of an exited process', (t) => {
    const dir = tempDir(t)
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' })
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: Number(gone.stdout.trim()), host: hostname() }))
    lockDataDir(dir).release()
  })

  it('refuses a second open in the same process, and allows one after release', (t) => {
    const dir = tempDir(t)
    const lock = lockDataDir(dir)
    assert.throws(() => lockDataDir(dir), DataDirLockedError)
    lock.release()
    lock.release()
    lockDataDir(dir).release()
  })
})
