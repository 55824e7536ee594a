// readBuildInfo: the commit scripts/build.ts recorded beside main.js, or `unknown` without one.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, it } from 'node:test'
import { readBuildInfo } from '../../src/server/build-info.ts'

const BUILT = new URL('../../dist-test/build-info.json', import.meta.url)

describe('readBuildInfo', () => {
  it('reads the commit the tests build was made from (HEAD of this checkout)', () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 5000 }).trim()

    assert.deepEqual(
      readBuildInfo(BUILT),
      { commit: head },
      'dist-test/ is older than HEAD: node scripts/build.ts dist-test',
    )
  })

  it('answers `unknown` running from src/, where no build wrote the file', () => {
    assert.deepEqual(readBuildInfo(), { commit: 'unknown' })
  })

  it('answers `unknown` for a file that is not the build record', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-build-info-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'build-info.json'), '{"commit": 42}')

    assert.deepEqual(readBuildInfo(pathToFileURL(join(dir, 'build-info.json'))), { commit: 'unknown' })
  })
})
