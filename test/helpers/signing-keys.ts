// Signing keys for tests, generated per test process: committed keys are public, and production refuses
// them (src/platform/config/published-keys.ts), so no test that runs as production may use one.
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let directory: string | undefined

/** A new PKCS#8 PEM file holding a fresh Ed25519 or P-256 private key; removed when the process exits. */
export function generateSigningKeyFile(type: 'ed25519' | 'p256'): string {
  if (directory === undefined) {
    const created = mkdtempSync(join(tmpdir(), 'bulwark-test-keys-'))
    directory = created
    process.once('exit', () => {
      rmSync(created, { recursive: true, force: true })
    })
  }
  const { privateKey } =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const file = join(directory, `jwt-${type}-${Math.random().toString(36).slice(2)}.pem`)
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  return file
}

/** Keys committed under test/fixtures: published, so production must refuse them. */
export const PUBLISHED_KEY_FILES = {
  ed25519: new URL('../fixtures/jwt-ed25519.pem', import.meta.url).pathname,
  p256: new URL('../fixtures/jwt-p256.pem', import.meta.url).pathname,
} as const
