// Pagination cursors: opaque to clients and authenticated, so a list only ever resumes from a row it
// handed out. A forged cursor, however well-formed, gets the same 422 as a garbled one.
import { deriveKey, digestOf, digestsEqual } from '../auth/secrets.ts'
import { invalidField } from '../errors/invalid-fields.ts'

/** Encodes and checks the cursors of one list; a cursor of another list (or server secret) is invalid. */
export interface CursorCodec {
  /** `base64url(JSON(values)).base64url(HMAC-SHA-256)`. */
  encode(values: readonly unknown[]): string
  /** The values of a cursor this codec issued; anything else throws the 422 of `invalidCursor`. */
  decode(text: string): unknown[]
}

/**
 * A codec keyed from SECRET_KEY and the list's name (`plans`, `api-keys`). Rotating SECRET_KEY invalidates
 * every cursor issued before: a client holding one gets 422 and starts again from the first page.
 */
export function createCursorCodec(secretKey: string, list: string): CursorCodec {
  const key = deriveKey(secretKey, `cursor:${list}`)
  return {
    encode(values) {
      const payload = Buffer.from(JSON.stringify(values)).toString('base64url')
      return `${payload}.${digestOf(key, payload)}`
    },
    decode(text) {
      const [payload = '', mac = '', extra] = text.split('.')
      if (extra !== undefined || !digestsEqual(mac, digestOf(key, payload))) {
        throw invalidCursor('is not a cursor this API issued')
      }
      const values: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
      if (!Array.isArray(values)) throw invalidCursor('is not a cursor this API issued')
      return values as unknown[]
    },
  }
}

/** The 422 for a cursor query parameter the list cannot resume from; `message` says why. */
export function invalidCursor(message: string, cause?: unknown) {
  return invalidField({
    location: 'query',
    pointer: '/cursor',
    message,
    detail: `Invalid query: cursor ${message}`,
    cause,
  })
}
