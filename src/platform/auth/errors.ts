// Errors the authentication gate answers with. 401 always carries WWW-Authenticate (RFC 9110 §11.6.1).
import { createErrorFactories, type AppError, type ErrorCatalog } from '../errors/app-error.ts'

export const AUTH_ERRORS = {
  AUTHENTICATION_REQUIRED: {
    status: 401,
    title: 'Authentication required',
    description:
      'The route needs credentials: an API key (Authorization: Bearer bk_… or X-API-Key) or an access token.',
  },
  CREDENTIALS_INVALID: {
    status: 401,
    title: 'Invalid credentials',
    description:
      'The API key or access token is not valid: unknown, malformed, expired, revoked or signed by an unknown key. The body never says which.',
  },
  PERMISSION_DENIED: {
    status: 403,
    title: 'Permission denied',
    description: 'The caller is authenticated but its scopes or role do not allow this operation.',
  },
  MFA_ENROLLMENT_REQUIRED: {
    status: 403,
    title: 'Two-factor authentication required',
    description:
      'AUTH_ADMIN_MFA=required: an administrator must enrol a TOTP authenticator and log in with it first.',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    title: 'CSRF token missing or invalid',
    description:
      'A cookie-authenticated request with an unsafe method must send the csrf_token from login in X-CSRF-Token.',
  },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    title: 'Too many failed attempts',
    description:
      'Too many failed logins or API key attempts from this client or for this account; retry after Retry-After seconds.',
  },
} as const satisfies ErrorCatalog

export const authErrors = createErrorFactories(AUTH_ERRORS)

/** RFC 6750 challenge: `error` only when a credential was sent and refused. */
export function challenge(realm: string, error?: 'invalid_token' | 'invalid_request'): string {
  return error === undefined ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="${error}"`
}

/** A 401 with its challenge header. */
/** A 401's detail says how to authenticate, not the title again; the same for every invalid credential. */
const HOW_TO_AUTHENTICATE = {
  AUTHENTICATION_REQUIRED:
    'Send credentials: "Authorization: Bearer <API key or access token>" or "X-API-Key: <API key>".',
  CREDENTIALS_INVALID:
    'The credentials were not accepted. Send a valid one: "Authorization: Bearer <API key or access token>" or "X-API-Key: <API key>".',
} as const

export function unauthorized(
  realm: string,
  code: 'AUTHENTICATION_REQUIRED' | 'CREDENTIALS_INVALID',
  detail?: string,
): AppError {
  const error = code === 'AUTHENTICATION_REQUIRED' ? undefined : 'invalid_token'
  return authErrors[code]({
    detail: detail ?? HOW_TO_AUTHENTICATE[code],
    headers: { 'www-authenticate': challenge(realm, error) },
  })
}

/** A 429 telling the client when to come back (whole seconds, at least 1). */
export function tooManyAttempts(lockedForMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(lockedForMs / 1000))
  return authErrors.TOO_MANY_ATTEMPTS({
    detail: `Locked out for ${seconds} s after repeated failures.`,
    headers: { 'retry-after': String(seconds) },
  })
}
