// Reads the one credential a request carries: Authorization: Bearer, X-API-Key, or the access cookie.
import { parseCookie } from 'cookie'
import type { IncomingHttpHeaders } from 'node:http'

export const API_KEY_PREFIX = 'bk_'

export interface Credential {
  kind: 'api_key' | 'access_token'
  value: string
  via: 'header' | 'cookie'
}

/** undefined: no credential at all; 'malformed': something was sent that cannot be a credential. */
export type CredentialRead = Credential | 'malformed' | undefined

const BEARER = /^bearer +(\S+) *$/i
/** Longest credential looked at: a JWT with our claims is well under 2 KiB. */
const MAX_CREDENTIAL_LENGTH = 4096

function kindOf(value: string): Credential['kind'] {
  return value.startsWith(API_KEY_PREFIX) ? 'api_key' : 'access_token'
}

export function readCredential(
  headers: IncomingHttpHeaders,
  accessCookie: string | undefined,
): CredentialRead {
  const authorization = headers.authorization
  const apiKey = headers['x-api-key']
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization)
    if (match?.[1] === undefined || match[1].length > MAX_CREDENTIAL_LENGTH) return 'malformed'
    if (apiKey !== undefined && apiKey !== match[1]) return 'malformed'
    return { kind: kindOf(match[1]), value: match[1], via: 'header' }
  }
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string' || !apiKey.startsWith(API_KEY_PREFIX)) return 'malformed'
    if (apiKey.length > MAX_CREDENTIAL_LENGTH) return 'malformed'
    return { kind: 'api_key', value: apiKey, via: 'header' }
  }
  if (accessCookie !== undefined && headers.cookie !== undefined) {
    const value = parseCookie(headers.cookie)[accessCookie]
    if (value === undefined || value === '') return undefined
    if (value.length > MAX_CREDENTIAL_LENGTH) return 'malformed'
    return { kind: 'access_token', value, via: 'cookie' }
  }
  return undefined
}
