// The log file's rotation on its own: by size between whole lines, at midnight UTC, keeping LOG_FILE_KEEP.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it, type TestContext } from 'node:test'
import type { LogFileConfig } from '../../../src/platform/config/groups/logging.ts'
import { openRotatingFile } from '../../../src/platform/logging/rotating-file.ts'

function fileConfig(t: TestContext, overrides: Partial<LogFileConfig> = {}): LogFileConfig {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-rotation-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return { path: join(dir, 'app.log'), only: false, maxBytes: undefined, daily: false, keep: 3, ...overrides }
}

function filesOf(config: LogFileConfig): Record<string, string> {
  const dir = join(config.path, '..')
  return Object.fromEntries(
    readdirSync(dir)
      .toSorted()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  )
}

const line = (n: number) => `{"n":${String(n).padStart(4, '0')}}\n` // 13 bytes

describe('the rotating log file', () => {
  it('rotates before a line that would pass maxBytes, keeps `keep` files and deletes older ones', async (t) => {
    const config = fileConfig(t, { maxBytes: 40, keep: 2 })
    const file = openRotatingFile(config)

    for (let n = 0; n < 12; n += 1) file.write(line(n))
    file.flushSync()
    await sleep(50)

    // 3 lines (39 bytes) per file; 12 lines: four files, the oldest deleted.
    assert.deepEqual(filesOf(config), {
      'app.log': line(9) + line(10) + line(11),
      'app.log.1': line(6) + line(7) + line(8),
      'app.log.2': line(3) + line(4) + line(5),
    })
  })

  it('cuts a batch of lines that would pass maxBytes between the right two lines', async (t) => {
    const config = fileConfig(t, { maxBytes: 40, keep: 5 })
    const file = openRotatingFile(config)

    file.write(line(0) + line(1))
    file.write(line(2) + line(3) + line(4) + line(5) + line(6))
    file.flushSync()
    await sleep(50)

    assert.deepEqual(filesOf(config), {
      'app.log': line(6),
      'app.log.1': line(3) + line(4) + line(5),
      'app.log.2': line(0) + line(1) + line(2),
    })
  })

  it('rotates at the first line after midnight UTC', async (t) => {
    const config = fileConfig(t, { daily: true })
    let now = Date.parse('2026-03-01T23:59:59Z')
    const file = openRotatingFile(config, () => now)

    file.write(line(1))
    now = Date.parse('2026-03-02T00:00:01Z')
    file.write(line(2))
    file.write(line(3))
    file.flushSync()
    await sleep(50)

    assert.deepEqual(filesOf(config), { 'app.log': line(2) + line(3), 'app.log.1': line(1) })
  })

  it('appends to an existing file and counts its size', async (t) => {
    const config = fileConfig(t, { maxBytes: 30 })
    const first = openRotatingFile(config)
    first.write(line(1))
    first.flushSync()

    const second = openRotatingFile(config)
    second.write(line(2))
    second.write(line(3))
    second.flushSync()
    await sleep(50)

    assert.deepEqual(filesOf(config), { 'app.log': line(3), 'app.log.1': line(1) + line(2) })
  })

  it('writes to a new file at the path after reopen, when the old one was moved away', async (t) => {
    const config = fileConfig(t)
    const file = openRotatingFile(config)
    file.write(line(1))
    file.flushSync()

    renameSync(config.path, `${config.path}.moved`)
    file.reopen()
    file.write(line(2))
    file.flushSync()
    await sleep(50)

    assert.deepEqual(filesOf(config), { 'app.log': line(2), 'app.log.moved': line(1) })
  })
})
