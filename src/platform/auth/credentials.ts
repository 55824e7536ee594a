// Reads the one credential a request carries: Authorization: Bearer, X-API-Key, or the access cookie.
import { parseCookie } from 'cookie'
import type { IncomingHttpHeaders } from 'node:http'

export interface Credential {
  kind: 'api_key' | 'access_token'
  value: string
  via: 'header' | 'cookie'
}

/** How the service's credentials look: the app's, not the platform's. */
export interface CredentialFormat {
  /** What every API key starts with (the accounts module's `bk_`); any other bearer value is a token. */
  apiKeyPrefix: string
  /** Name of the access-token cookie, when cookie mode is on. */
  accessCookie: string | undefined
}

/** undefined: no credential at all; 'malformed': something was sent that cannot be a credential. */
export type CredentialRead = Credential | 'malformed' | undefined

const BEARER = /^bearer +(\S+) *$/i
/** Longest credential looked at: a JWT with our claims is well under 2 KiB. */
const MAX_CREDENTIAL_LENGTH = 4096

/** The one credential the headers carry, read by the service's format. */
export function readCredential(
  headers: IncomingHttpHeaders,
  { apiKeyPrefix, accessCookie }: CredentialFormat,
): CredentialRead {
  const kindOf = (value: string): Credential['kind'] =>
    value.startsWith(apiKeyPrefix) ? 'api_key' : 'access_token'
  const authorization = headers.authorization
  const apiKey = headers['x-api-key']
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization)
    if (match?.[1] === undefined || match[1].length > MAX_CREDENTIAL_LENGTH) return 'malformed'
    if (apiKey !== undefined && apiKey !== match[1]) return 'malformed'
    return { kind: kindOf(match[1]), value: match[1], via: 'header' }
  }
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string' || !apiKey.startsWith(apiKeyPrefix)) return 'malformed'
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
