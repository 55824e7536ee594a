// The deny-by-default gate: every route needs credentials unless its config says `public: true`. It reads
// the credential, asks the verifiers it was given who is calling, and checks the route's declared scopes.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { AttemptStore } from './attempts.ts'
import type { AuditLog } from './audit.ts'
import { readCredential } from './credentials.ts'
import type { AppError } from '../errors/app-error.ts'
import { authErrors, tooManyAttempts, unauthorized } from './errors.ts'
import { ANONYMOUS, hasScopes, type Principal, type Scope } from './principal.ts'
import { digestsEqual } from './secrets.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; ANONYMOUS on public routes. */
    principal: Principal
  }
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyInstance {
    /** Every route with whether it is public: what the gate enforces (and what tests walk). */
    routeSecurity(): { method: string; url: string; public: boolean }[]
  }
}

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

export interface AuthOptions {
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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

async function auth(app: FastifyInstance, options: AuthOptions) {
  const { verifiers, apiKeyAttempts, audit, adminMfaRequired, realm } = options
  const routes: RouteOptions[] = []
  app.decorateRequest('principal', null as unknown as Principal)

  // Read at ready, not at registration: a nested plugin may still mark its routes public after this hook.
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })
  const routeSecurity = () =>
    routes.flatMap((route) =>
      [route.method]
        .flat()
        .map((method) => ({ method, url: route.url, public: route.config?.public === true })),
    )
  app.decorate('routeSecurity', routeSecurity)
  app.addHook('onReady', async () => {
    // HEAD mirrors GET and the docs UI's static files are one entry: the list stays short enough to read.
    const publicRoutes = routeSecurity()
      .filter((route) => route.public && route.method !== 'HEAD' && !route.url.startsWith('/docs/static/'))
      .map((route) => `${route.method} ${route.url}`)
    app.log.info({ public_routes: publicRoutes }, 'routes reachable without credentials')
  })

  /** The caller's principal: synchronous on a cache hit, so most requests never wait for a promise. */
  function authenticate(request: FastifyRequest): Principal | Promise<Principal> {
    const credential = readCredential(request.headers, options)
    if (credential === undefined) throw unauthorized(realm, 'AUTHENTICATION_REQUIRED')
    if (credential === 'malformed') throw unauthorized(realm, 'CREDENTIALS_INVALID')
    if (credential.kind === 'access_token') {
      const cookie = credential.via === 'cookie'
      return settle(verifiers.accessToken(credential.value), (principal) => {
        if (principal === undefined) throw unauthorized(realm, 'CREDENTIALS_INVALID')
        if (cookie && !SAFE_METHODS.has(request.method)) checkCsrf(request, principal)
        return cookie ? { ...principal, via: 'cookie' } : principal
      })
    }
    const ipKey = `api_key:ip:${request.ip}`
    return settle(apiKeyAttempts.lockedFor(ipKey), (locked) => {
      if (locked > 0) throw tooManyAttempts(locked)
      return settle(verifiers.apiKey(credential.value), (principal) =>
        principal === undefined ? apiKeyFailed(request, ipKey) : principal,
      )
    })
  }

  async function apiKeyFailed(request: FastifyRequest, ipKey: string): Promise<never> {
    const lockMs = await apiKeyAttempts.recordFailure(ipKey)
    if (lockMs > 0) {
      await audit.record({
        event: 'auth.lockout',
        outcome: 'failure',
        subject: ipKey,
        ip: request.ip,
        requestId: request.id,
        detail: { reason: 'api_key_failures', lock_s: Math.ceil(lockMs / 1000) },
      })
    }
    throw unauthorized(realm, 'CREDENTIALS_INVALID')
  }

  function checkCsrf(request: FastifyRequest, principal: Principal) {
    const sent = request.headers['x-csrf-token']
    const expected = principal.sessionId === undefined ? undefined : verifiers.csrfToken(principal.sessionId)
    if (typeof sent !== 'string' || expected === undefined || !digestsEqual(sent, expected)) {
      throw authErrors.CSRF_TOKEN_INVALID()
    }
  }

  async function deny(request: FastifyRequest, principal: Principal, reason: string) {
    await audit.record({
      event: 'auth.permission_denied',
      outcome: 'failure',
      actor: principal.id,
      ip: request.ip,
      requestId: request.id,
      detail: { reason, route: `${request.method} ${request.routeOptions.url ?? ''}` },
    })
  }

  /** Why the principal may not use this route, or undefined when it may. */
  function refusal(
    principal: Principal,
    rule: RouteAuth | undefined,
  ): { reason: string; error: AppError } | undefined {
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

  // A callback hook, not an async one: a cached credential is checked without creating a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const config = request.routeOptions.config
    // Unknown URLs (the 404 handler) and public routes need no credentials.
    if (config.public === true || request.routeOptions.url === undefined) {
      request.principal = ANONYMOUS
      done()
      return
    }
    const admit = (principal: Principal): Promise<void> | undefined => {
      request.principal = principal
      const refused = refusal(principal, config.auth)
      if (refused === undefined) return undefined
      return deny(request, principal, refused.reason).then(() => {
        throw refused.error
      })
    }
    let outcome: Principal | Promise<Principal>
    try {
      outcome = authenticate(request)
    } catch (error) {
      done(error as Error)
      return
    }
    const admitted = outcome instanceof Promise ? outcome.then(admit) : admit(outcome)
    if (admitted === undefined) done()
    else admitted.then(() => done(), done)
  })
}

/** Applies `next` to a value that may still be a promise, staying synchronous when it is not. */
function settle<T, R>(value: T | Promise<T>, next: (resolved: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value)
}

export const authPlugin = fp(auth, { name: 'auth' })
