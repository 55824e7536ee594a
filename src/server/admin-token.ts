// ADMIN_TOKEN: who may read the management listener's protected paths (RFC 6750 bearer token).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { AppError } from '../platform/errors/app-error.ts'
import { unauthorized } from '../platform/auth/errors.ts'

const REALM = 'bulwark-admin'
const HOW = 'Send "Authorization: Bearer <ADMIN_TOKEN>".'

/** undefined when the Authorization header carries the token; otherwise the 401 to answer. */
export type TokenCheck = (authorization: string | undefined) => AppError | undefined

/** A check against `token`, which must not be empty (an empty token would protect nothing). */
export function createTokenCheck(token: string): TokenCheck {
  if (token === '') throw new Error('the admin token must not be empty: leave ADMIN_TOKEN unset instead')
  const expected = digestOf(token)
  return (authorization) => {
    if (authorization === undefined) return unauthorized(REALM, 'AUTHENTICATION_REQUIRED', HOW)
    const sent = /^Bearer +(\S+) *$/i.exec(authorization)?.[1]
    // Digests of equal length compared in constant time: neither the token nor its length leaks by timing.
    if (sent !== undefined && timingSafeEqual(digestOf(sent), expected)) return undefined
    return unauthorized(REALM, 'CREDENTIALS_INVALID', `The admin token was not accepted. ${HOW}`)
  }
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest()
}
