import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import {
  PUBLISHED_KEY_THUMBPRINTS,
  pemBlocksOf,
  publicKeyThumbprintOf,
} from '../../../src/platform/config/published-keys.ts'

const ROOT = new URL('../../../', import.meta.url).pathname
/** Not part of the repository: installed, built or generated here (see .gitignore). */
const SKIPPED = new Set(['.git', 'node_modules', 'dist', 'coverage', 'data', join('bench', 'results')])
const MAX_FILE_BYTES = 2_000_000

function* repositoryFiles(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name)
    if (SKIPPED.has(relative(ROOT, path))) continue
    if (entry.isDirectory()) yield* repositoryFiles(path)
    else if (entry.isFile() && statSync(path).size <= MAX_FILE_BYTES) yield path
  }
}

/** Every PEM block anywhere in the repository (fixtures, docs, README, deploy, source), with its file. */
function pemBlocksInRepository(): { file: string; label: string; pem: string }[] {
  const found: { file: string; label: string; pem: string }[] = []
  for (const path of repositoryFiles(ROOT)) {
    const text = readFileSync(path, 'utf8')
    if (!text.includes('-----BEGIN ')) continue
    for (const block of pemBlocksOf(text)) found.push({ file: relative(ROOT, path), ...block })
  }
  return found
}

describe('keys published in the repository (issue 8)', () => {
  it('are all refused by production: every key found is in PUBLISHED_KEY_THUMBPRINTS', () => {
    const blocks = pemBlocksInRepository()

    assert.ok(
      blocks.some((block) => block.file === join('test', 'fixtures', 'jwt-ed25519.pem')),
      'the walk finds the committed fixtures',
    )
    for (const { file, label, pem } of blocks) {
      let thumbprint: string
      try {
        thumbprint = publicKeyThumbprintOf(pem)
      } catch {
        assert.fail(`${file}: a PEM block "${label}" that is not a readable key; do not commit it`)
      }
      assert.ok(
        PUBLISHED_KEY_THUMBPRINTS.has(thumbprint),
        `${file} publishes a key (${label}) production would accept: add '${thumbprint}' to ` +
          'PUBLISHED_KEY_THUMBPRINTS in src/platform/config/published-keys.ts, or generate it at run time',
      )
    }
  })
})
