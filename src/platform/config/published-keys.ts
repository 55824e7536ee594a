// Key material that ships in this repository (test fixtures, docs) is public: whoever has the repository can
// sign with it. Production refuses it by thumbprint, as it refuses sample secrets.
import { createHash, createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'

/**
 * SHA-256 of the public key's SubjectPublicKeyInfo (DER), base64url, of every key the repository has
 * ever published. Never remove one: git history keeps publishing it. `test/platform/config/published-keys
 * .test.ts` walks the repository and fails when a key in it is missing here.
 */
export const PUBLISHED_KEY_THUMBPRINTS: ReadonlySet<string> = new Set([
  // test/fixtures/jwt-ed25519.pem (Ed25519)
  '9pQUF_hkvDCvei4xheFxZPcyn70qTZy6MKLJmGzK_TE',
  // test/fixtures/jwt-p256.pem (P-256)
  'qK9IX1Icsf-j3gsTKRY_xFqBondrrEbkqhetlrKZKiY',
])

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g

/** Every PEM block in a text, with its label ("PRIVATE KEY", "PUBLIC KEY", "CERTIFICATE", …). */
export function pemBlocksOf(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((match) => ({ label: match[1] ?? '', pem: match[0] }))
}

/** The thumbprint of the public half of a PEM private key, public key or certificate; throws for others. */
export function publicKeyThumbprintOf(pem: string): string {
  const spki = createPublicKey(pem).export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(spki).digest('base64url')
}

/** Why the key file named by `variable` must not be used in production, or undefined when it may. */
export function publishedKeyProblem(variable: string, file: string): string | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return `${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`
  }
  const blocks = pemBlocksOf(text)
  if (blocks.length === 0) return `${variable}: ${file} holds no PEM key`
  for (const { pem } of blocks) {
    let thumbprint: string
    try {
      thumbprint = publicKeyThumbprintOf(pem)
    } catch {
      return `${variable}: ${file} holds a PEM block that is not a key`
    }
    if (PUBLISHED_KEY_THUMBPRINTS.has(thumbprint)) {
      return (
        `${variable}: ${file} holds a key published in the Bulwark repository (SHA-256 thumbprint ${thumbprint}); ` +
        'anyone with the repository could sign access tokens with it. Generate your own: openssl genpkey -algorithm ed25519'
      )
    }
  }
  return undefined
}
