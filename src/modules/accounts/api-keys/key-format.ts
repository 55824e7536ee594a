// The API key format: bk_<public id>_<secret>. The prefix is recognisable by secret scanners, the public id
// finds the row, and only an HMAC of the 256-bit secret is stored.
import { randomBytes } from 'node:crypto'

/** What every key starts with: the gate tells keys from access tokens by it (app.ts passes it on). */
export const API_KEY_PREFIX = 'bk_'
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}([0-9a-f]{16})_([A-Za-z0-9_-]{43})$`)

export interface NewKeyMaterial {
  /** The whole key, shown once to its creator. */
  key: string
  publicId: string
  secret: string
}

export function generateKey(): NewKeyMaterial {
  const publicId = randomBytes(8).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  return { key: `${API_KEY_PREFIX}${publicId}_${secret}`, publicId, secret }
}

/** The parts of a well-formed key; undefined for anything else (no database lookup for garbage). */
export function parseKey(key: string): { publicId: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key)
  if (match?.[1] === undefined || match[2] === undefined) return undefined
  return { publicId: match[1], secret: match[2] }
}
