// The gate's rules as plain functions: which credential a request carries and which verifier checks it,
// the CSRF and lock-out rules, and whether a principal may use a route. plugin.ts runs them in one hook.
import type { IncomingHttpHeaders } from 'node:http'
import type { AppError } from '../errors/app-error.ts'
import type { AttemptStore } from './attempts.ts'
import type { AuditEvent, AuditLog } from './audit.ts'
import { readCredential } from './credentials.ts'
import { authErrors, tooManyAttempts, unauthorized } from './errors.ts'
import { hasScopes, type Principal, type Scope } from './principal.ts'
import { digestsEqual } from './secrets.ts'

/** What a non-public route requires beyond a valid credential. */
export interface RouteAuth {
  /** Every one of these scopes (admins hold all). */
  scopes?: readonly Scope[]
  /** Only these kinds of caller, e.g. ['user'] for session management. */
  principals?: readonly ('user' | 'api_key')[]
  /** Reachable by an administrator who has not completed two-factor login (to enrol, see themself, log out). */
  mfaExempt?: boolean
}

/** A verifier's answer: synchronous when it is cached (the common case), a promise when it must look. */
export type Verified = Principal | undefined | Promise<Principal | undefined>

/** How the gate learns who a credential belongs to; the accounts module provides these (see app.ts). */
export interface Verifiers {
  /** The key's principal, or undefined for an unknown, wrong, revoked or expired key. */
  apiKey(key: string): Verified
  /** The token's principal, or undefined for any token that fails verification or was revoked. */
  accessToken(token: string): Verified
  /** The CSRF token that belongs to a cookie session. */
  csrfToken(sessionId: string): string
}

export interface GateOptions {
  verifiers: Verifiers
  /** Failed API key attempts per client IP. */
  apiKeyAttempts: AttemptStore
  audit: AuditLog
  /** Name of the access-token cookie when AUTH_COOKIES=true. */
  accessCookie: string | undefined
  /** What every API key starts with; other bearer credentials are access tokens. */
  apiKeyPrefix: string
  adminMfaRequired: boolean
  realm: string
}

/** The parts of a request the gate reads (a FastifyRequest has them). */
export interface GateRequest {
  headers: IncomingHttpHeaders
  method: string
  ip: string
  id: string
}

/** Why a principal may not use a route: the reason for the audit log and the error answered. */
export interface Refusal {
  reason: string
  error: AppError
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Public routes and unknown URLs (answered by the 404 handler) need no credentials. */
export function isOpenRoute(config: { public?: boolean }, url: string | undefined): boolean {
  return config.public === true || url === undefined
}

/** Cookies ride along with cross-site requests: an unsafe method must also prove the page sent it. */
export function needsCsrfToken(method: string, via: 'header' | 'cookie'): boolean {
  return via === 'cookie' && !SAFE_METHODS.has(method)
}

/** Whether X-CSRF-Token carries the session's token (compared in constant time). */
export function isCsrfTokenValid(sent: string | string[] | undefined, expected: string | undefined): boolean {
  return typeof sent === 'string' && expected !== undefined && digestsEqual(sent, expected)
}

/** Failed API keys count per client IP, so one client guessing keys is locked out whichever key it tries. */
export function apiKeyAttemptKey(ip: string): string {
  return `api_key:ip:${ip}`
}

/** The audit event of a lock-out a failure started, or undefined when `lockMs` is 0 (none started). */
export function lockoutEvent(
  request: GateRequest,
  attemptKey: string,
  lockMs: number,
): AuditEvent | undefined {
  if (lockMs <= 0) return undefined
  return {
    event: 'auth.lockout',
    outcome: 'failure',
    subject: attemptKey,
    ip: request.ip,
    requestId: request.id,
    detail: { reason: 'api_key_failures', lock_s: Math.ceil(lockMs / 1000) },
  }
}

/** The audit event of a caller refused by a route's rule; `route` is "METHOD /pattern". */
export function permissionDeniedEvent(
  request: GateRequest,
  principal: Principal,
  reason: string,
  route: string,
): AuditEvent {
  return {
    event: 'auth.permission_denied',
    outcome: 'failure',
    actor: principal.id,
    ip: request.ip,
    requestId: request.id,
    detail: { reason, route },
  }
}

/** Why the principal may not use a route with this rule, or undefined when it may. */
export function refusalOf(
  principal: Principal,
  rule: RouteAuth | undefined,
  adminMfaRequired: boolean,
): Refusal | undefined {
  if (adminMfaRequired && principal.kind === 'user' && principal.isAdmin && principal.mfa !== true) {
    if (rule?.mfaExempt !== true) {
      return { reason: 'admin_mfa_required', error: authErrors.MFA_ENROLLMENT_REQUIRED() }
    }
  }
  if (rule === undefined) return undefined
  if (
    rule.principals !== undefined &&
    principal.kind !== 'anonymous' &&
    !rule.principals.includes(principal.kind)
  ) {
    return {
      reason: `needs_${rule.principals.join('_or_')}`,
      error: authErrors.PERMISSION_DENIED({
        detail: `Only ${rule.principals.join(' or ')} credentials may do this.`,
      }),
    }
  }
  if (rule.scopes !== undefined && !hasScopes(principal, rule.scopes)) {
    return {
      reason: 'missing_scope',
      error: authErrors.PERMISSION_DENIED({ detail: `Requires scope ${rule.scopes.join(' ')}.` }),
    }
  }
  return undefined
}

/**
 * The function that names the caller of a request from its one credential, or throws the 401, 403 (CSRF)
 * or 429 (locked out). Synchronous on a cached credential, so most requests never wait for a promise.
 */
export function createAuthenticator(
  options: GateOptions,
): (request: GateRequest) => Principal | Promise<Principal> {
  const { verifiers, apiKeyAttempts, audit, realm } = options

  /**
   * A bad key: counted against the client IP; while that IP is locked out, answered 429 instead of 401.
   * A valid key from a locked-out IP is still admitted: one bad actor behind a NAT or a proxy must not
   * lock out everyone else there, and a key's 256-bit secret cannot be guessed however many tries pass.
   */
  async function apiKeyFailed(request: GateRequest, attemptKey: string): Promise<never> {
    const locked = await apiKeyAttempts.lockedFor(attemptKey)
    const event = lockoutEvent(request, attemptKey, await apiKeyAttempts.recordFailure(attemptKey))
    if (event !== undefined) await audit.record(event)
    if (locked > 0) throw tooManyAttempts(locked)
    throw unauthorized(realm, 'CREDENTIALS_INVALID')
  }

  function checkCsrf(request: GateRequest, principal: Principal) {
    const expected = principal.sessionId === undefined ? undefined : verifiers.csrfToken(principal.sessionId)
    if (!isCsrfTokenValid(request.headers['x-csrf-token'], expected)) throw authErrors.CSRF_TOKEN_INVALID()
  }

  return function authenticate(request) {
    const credential = readCredential(request.headers, options)
    if (credential === undefined) throw unauthorized(realm, 'AUTHENTICATION_REQUIRED')
    if (credential === 'malformed') throw unauthorized(realm, 'CREDENTIALS_INVALID')
    if (credential.kind === 'access_token') {
      const cookie = credential.via === 'cookie'
      return settle(verifiers.accessToken(credential.value), (principal) => {
        if (principal === undefined) throw unauthorized(realm, 'CREDENTIALS_INVALID')
        if (needsCsrfToken(request.method, credential.via)) checkCsrf(request, principal)
        return cookie ? { ...principal, via: 'cookie' } : principal
      })
    }
    return settle(verifiers.apiKey(credential.value), (principal) =>
      principal === undefined ? apiKeyFailed(request, apiKeyAttemptKey(request.ip)) : principal,
    )
  }
}

/** Applies `next` to a value that may still be a promise, staying synchronous when it is not. */
function settle<T, R>(value: T | Promise<T>, next: (resolved: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value)
}
