// Keys derived from SECRET_KEY, and the digests and comparisons every stored credential uses.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'

/** A 32-byte key for one purpose, derived from SECRET_KEY with HKDF-SHA-256: purposes never share a key. */
export function deriveKey(secretKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'bulwark', purpose, 32))
}

/** HMAC-SHA-256 of a credential with a server-side key (the pepper), base64url: what the database stores. */
export function digestOf(pepper: Buffer, value: string): string {
  return createHmac('sha256', pepper).update(value).digest('base64url')
}

/** Compares two digests in time independent of where they differ (and of whether the lengths match). */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  // Equal lengths keep timingSafeEqual happy; a length mismatch still costs one full comparison.
  if (left.length !== right.length) {
    timingSafeEqual(left, left)
    return false
  }
  return timingSafeEqual(left, right)
}

/** AES-256-GCM for secrets the server must read back (TOTP seeds): iv.ciphertext.tag, base64url. */
export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.')
}

export function decryptSecret(key: Buffer, sealed: string): string {
  const [iv, body, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'))
  if (iv === undefined || body === undefined || tag === undefined) throw new Error('malformed sealed secret')
  const decipher = createDecipheriv('aes-256-gcm', key, iv)
  decipher.setAuthTag(tag)
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
}
