// The memory flags every server process runs with: npm start spells the same list the supervisor gives its
// workers, and flags an operator gave the primary win over ours.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { MEMORY_FLAGS, withMemoryFlags } from '../../src/server/memory-flags.ts'

describe('memory flags', () => {
  it('npm start runs node with exactly these flags', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>
    }
    assert.equal(manifest.scripts.start, `exec node ${MEMORY_FLAGS.join(' ')} dist/main.js serve`)
  })

  it('adds every flag the primary was not given', () => {
    assert.deepEqual(withMemoryFlags(['--enable-source-maps']), ['--enable-source-maps', ...MEMORY_FLAGS])
  })

  it('keeps an operator flag given on the command line or in NODE_OPTIONS, in either spelling', () => {
    assert.deepEqual(withMemoryFlags(['--max-semi-space-size=32']), [
      '--max-semi-space-size=32',
      '--heap-growing-percent=25',
      '--no-allocation-site-pretenuring',
    ])
    assert.deepEqual(
      withMemoryFlags(
        ['--allocation_site_pretenuring'],
        '--max-old-space-size=512 --heap_growing_percent=50',
      ),
      ['--allocation_site_pretenuring', '--max-semi-space-size=8'],
    )
  })
})
