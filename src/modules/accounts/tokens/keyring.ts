// The keys that sign and verify access tokens. Production reads them from files (AUTH_JWT_SIGNING_KEY_FILE
// and AUTH_JWT_PREVIOUS_KEYS_FILE); elsewhere an Ed25519 key is derived from SECRET_KEY, so it survives
// restarts as long as the secret does. Key ids are RFC 7638 thumbprints: stable, nothing to configure.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { JWK } from 'jose'
import { deriveKey } from '../../../platform/auth/secrets.ts'
import { pemBlocksOf } from '../../../platform/config/published-keys.ts'

export type SigningAlgorithm = 'EdDSA' | 'ES256'
export const ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256']

export type PublicJwk = JWK & { kid: string; alg: SigningAlgorithm; kty: string }

export interface VerifyKey {
  kid: string
  alg: SigningAlgorithm
  key: KeyObject
  jwk: PublicJwk
}

export interface Keyring {
  signing: { kid: string; alg: SigningAlgorithm; key: KeyObject }
  /** Current and previous public keys by kid. */
  verify: ReadonlyMap<string, VerifyKey>
  /** The JSON Web Key Set published at /.well-known/jwks.json. */
  jwks: { keys: PublicJwk[] }
}

export interface KeyringSource {
  signingKeyFile: string | undefined
  previousKeysFile: string | undefined
  secretKey: string
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

export function algorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA'
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256'
  throw new Error(`unsupported signing key type ${String(key.asymmetricKeyType)}: use Ed25519 or P-256`)
}

/**
 * The RFC 7638 SHA-256 thumbprint of an Ed25519 (OKP) or P-256 (EC) public key: its required members in
 * lexicographic order (§3.2), as JSON without whitespace, hashed, base64url. Computed here rather than by
 * jose, which a worker then loads only with its first token instead of at every start.
 */
export function jwkThumbprintOf(jwk: JWK): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x }
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url')
}

function verifyKeyOf(publicKey: KeyObject): VerifyKey {
  const alg = algorithmOf(publicKey)
  const exported = publicKey.export({ format: 'jwk' }) as JWK & { kty: string }
  const kid = jwkThumbprintOf(exported)
  return { kid, alg, key: publicKey, jwk: { ...exported, kid, alg, use: 'sig' } }
}

export async function loadKeyring(source: KeyringSource): Promise<Keyring> {
  const privateKey =
    source.signingKeyFile === undefined
      ? createPrivateKey({
          key: Buffer.concat([ED25519_PKCS8_PREFIX, deriveKey(source.secretKey, 'jwt-signing-ed25519')]),
          format: 'der',
          type: 'pkcs8',
        })
      : createPrivateKey(readFileSync(source.signingKeyFile, 'utf8'))
  const current = verifyKeyOf(createPublicKey(privateKey))
  const verify = new Map<string, VerifyKey>([[current.kid, current]])
  if (source.previousKeysFile !== undefined) {
    const blocks = pemBlocksOf(readFileSync(source.previousKeysFile, 'utf8')).map((block) => block.pem)
    if (blocks.length === 0) throw new Error('AUTH_JWT_PREVIOUS_KEYS_FILE holds no PEM key')
    for (const pem of blocks) {
      const previous = verifyKeyOf(createPublicKey(pem))
      verify.set(previous.kid, previous)
    }
  }
  return {
    signing: { kid: current.kid, alg: current.alg, key: privateKey },
    verify,
    jwks: { keys: [...verify.values()].map((entry) => entry.jwk) },
  }
}
