// The gate's rules without a server: credentials and verifiers, CSRF, lock-out and route requirements.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../../../src/platform/errors/app-error.ts'
import { createMemoryAttemptStore } from '../../../src/platform/auth/attempts.ts'
import type { AuditEvent } from '../../../src/platform/auth/audit.ts'
import {
  apiKeyAttemptKey,
  createAuthenticator,
  isCsrfTokenValid,
  isOpenRoute,
  lockoutEvent,
  needsCsrfToken,
  permissionDeniedEvent,
  refusalOf,
  type GateOptions,
  type GateRequest,
  type Verifiers,
} from '../../../src/platform/auth/gate.ts'
import { ANONYMOUS, type Principal, type Scope } from '../../../src/platform/auth/principal.ts'

const KEY = 'bk_valid'
const TOKEN = 'token.valid.jwt'
const CSRF = 'csrf-of-session-1'

function principalOf(kind: 'user' | 'api_key', overrides: Partial<Principal> = {}): Principal {
  return {
    id: `${kind}-1`,
    kind,
    isAdmin: false,
    scopes: new Set<Scope>(['plans:read']),
    credentialId: 'credential-1',
    ...overrides,
  }
}

const KEY_PRINCIPAL = principalOf('api_key')
const USER_PRINCIPAL = principalOf('user', { sessionId: 'session-1' })

/** Verifiers that know one key and one token; `cached` answers synchronously, as a cache hit does. */
function verifiersOf(cached: boolean): Verifiers {
  const answer = (principal: Principal | undefined) => (cached ? principal : Promise.resolve(principal))
  return {
    apiKey: (key) => answer(key === KEY ? KEY_PRINCIPAL : undefined),
    accessToken: (token) => answer(token === TOKEN ? USER_PRINCIPAL : undefined),
    csrfToken: (sessionId) => (sessionId === 'session-1' ? CSRF : 'other'),
  }
}

function gateOf(overrides: Partial<GateOptions> = {}) {
  const events: AuditEvent[] = []
  const options: GateOptions = {
    verifiers: verifiersOf(true),
    apiKeyAttempts: createMemoryAttemptStore({
      threshold: 2,
      windowMs: 60_000,
      baseLockMs: 5000,
      maxLockMs: 60_000,
    }),
    audit: {
      record(event) {
        events.push(event)
        return Promise.resolve()
      },
    },
    accessCookie: 'access_token',
    apiKeyPrefix: 'bk_',
    adminMfaRequired: true,
    realm: 'bulwark',
    ...overrides,
  }
  return { authenticate: createAuthenticator(options), events }
}

function requestOf(headers: GateRequest['headers'], method = 'GET'): GateRequest {
  return { headers, method, ip: '192.0.2.1', id: 'req-1' }
}

/** Runs a check that may throw or reject and returns the AppError's code and status. */
async function failureOf(run: () => unknown): Promise<{ code: string; status: number }> {
  try {
    await run()
  } catch (error) {
    assert.ok(error instanceof AppError, String(error))
    return { code: error.code, status: error.status }
  }
  assert.fail('expected an AppError')
}

describe('createAuthenticator', () => {
  it('names the caller synchronously for a cached API key, as Bearer or X-API-Key', () => {
    const { authenticate } = gateOf()

    assert.equal(authenticate(requestOf({ authorization: `Bearer ${KEY}` })), KEY_PRINCIPAL)
    assert.equal(authenticate(requestOf({ 'x-api-key': KEY })), KEY_PRINCIPAL)
  })

  it('waits for a verifier that must look the credential up', async () => {
    const { authenticate } = gateOf({ verifiers: verifiersOf(false) })

    const outcome = authenticate(requestOf({ authorization: `Bearer ${TOKEN}` }))

    assert.ok(outcome instanceof Promise)
    assert.equal(await outcome, USER_PRINCIPAL)
  })

  it('answers 401 AUTHENTICATION_REQUIRED without credentials and CREDENTIALS_INVALID for bad ones', async () => {
    const { authenticate } = gateOf()

    assert.deepEqual(await failureOf(() => authenticate(requestOf({}))), {
      code: 'AUTHENTICATION_REQUIRED',
      status: 401,
    })
    for (const headers of [
      { authorization: 'Basic abc' },
      { 'x-api-key': 'not-a-key' },
      { authorization: 'Bearer wrong.token' },
    ]) {
      assert.deepEqual(await failureOf(() => authenticate(requestOf(headers))), {
        code: 'CREDENTIALS_INVALID',
        status: 401,
      })
    }
  })

  it('marks a cookie principal and asks an unsafe cookie request for the session CSRF token', async () => {
    const { authenticate } = gateOf()
    const cookie = `access_token=${TOKEN}`

    const read = authenticate(requestOf({ cookie }))
    const written = authenticate(requestOf({ cookie, 'x-csrf-token': CSRF }, 'POST'))

    assert.deepEqual(read, { ...USER_PRINCIPAL, via: 'cookie' })
    assert.deepEqual(written, { ...USER_PRINCIPAL, via: 'cookie' })
    assert.deepEqual(await failureOf(() => authenticate(requestOf({ cookie }, 'POST'))), {
      code: 'CSRF_TOKEN_INVALID',
      status: 403,
    })
  })

  it('ignores the cookie when cookies are off', async () => {
    const { authenticate } = gateOf({ accessCookie: undefined })

    assert.deepEqual(await failureOf(() => authenticate(requestOf({ cookie: `access_token=${TOKEN}` }))), {
      code: 'AUTHENTICATION_REQUIRED',
      status: 401,
    })
  })

  it('locks the client IP out after repeated bad keys and records the lock-out; a valid key still passes', async () => {
    const { authenticate, events } = gateOf()
    const bad = requestOf({ 'x-api-key': 'bk_wrong' })

    await failureOf(() => authenticate(bad))
    await failureOf(() => authenticate(bad))

    assert.deepEqual(
      events.map((event) => [event.event, event.subject, event.detail]),
      [['auth.lockout', 'api_key:ip:192.0.2.1', { reason: 'api_key_failures', lock_s: 5 }]],
    )
    assert.deepEqual(await failureOf(() => authenticate(bad)), { code: 'TOO_MANY_ATTEMPTS', status: 429 })
    const principal = await authenticate(requestOf({ 'x-api-key': KEY }))
    assert.equal(principal.kind, 'api_key')
  })
})

describe('refusalOf', () => {
  it('admits a principal holding every required scope, and anyone on a route without rules', () => {
    assert.equal(refusalOf(KEY_PRINCIPAL, { scopes: ['plans:read'] }, true), undefined)
    assert.equal(refusalOf(KEY_PRINCIPAL, undefined, true), undefined)
  })

  it('refuses a missing scope with 403, admins holding every scope', () => {
    const refused = refusalOf(KEY_PRINCIPAL, { scopes: ['plans:write'] }, true)

    assert.equal(refused?.reason, 'missing_scope')
    assert.equal(refused.error.code, 'PERMISSION_DENIED')
    assert.equal(refused.error.detail, 'Requires scope plans:write.')
    assert.equal(
      refusalOf(principalOf('api_key', { isAdmin: true }), { scopes: ['plans:write'] }, true),
      undefined,
    )
  })

  it('refuses a kind of caller the route does not take', () => {
    const refused = refusalOf(KEY_PRINCIPAL, { principals: ['user'] }, true)

    assert.equal(refused?.reason, 'needs_user')
    assert.equal(refused.error.detail, 'Only user credentials may do this.')
    assert.equal(refusalOf(USER_PRINCIPAL, { principals: ['user'] }, true), undefined)
  })

  it('sends an administrator without two-factor login to enrol, except on mfaExempt routes', () => {
    const admin = principalOf('user', { isAdmin: true, mfa: false })

    assert.equal(refusalOf(admin, { scopes: ['plans:read'] }, true)?.reason, 'admin_mfa_required')
    assert.equal(refusalOf(admin, undefined, true)?.error.code, 'MFA_ENROLLMENT_REQUIRED')
    assert.equal(refusalOf(admin, { mfaExempt: true }, true), undefined)
    assert.equal(refusalOf(admin, { scopes: ['plans:read'] }, false), undefined)
    assert.equal(refusalOf({ ...admin, mfa: true }, { scopes: ['plans:read'] }, true), undefined)
  })
})

describe('the small rules', () => {
  it('needs no credentials on public routes and unknown URLs', () => {
    assert.equal(isOpenRoute({ public: true }, '/health/live'), true)
    assert.equal(isOpenRoute({}, undefined), true)
    assert.equal(isOpenRoute({}, '/api/v1/plans'), false)
  })

  it('asks for a CSRF token only on unsafe methods with a cookie credential', () => {
    assert.equal(needsCsrfToken('POST', 'cookie'), true)
    assert.equal(needsCsrfToken('DELETE', 'cookie'), true)
    assert.equal(needsCsrfToken('GET', 'cookie'), false)
    assert.equal(needsCsrfToken('OPTIONS', 'cookie'), false)
    assert.equal(needsCsrfToken('POST', 'header'), false)
  })

  it('accepts only the one expected CSRF token', () => {
    assert.equal(isCsrfTokenValid(CSRF, CSRF), true)
    assert.equal(isCsrfTokenValid('other', CSRF), false)
    assert.equal(isCsrfTokenValid([CSRF, CSRF], CSRF), false)
    assert.equal(isCsrfTokenValid(undefined, CSRF), false)
    assert.equal(isCsrfTokenValid(CSRF, undefined), false)
  })

  it('audits a lock-out only when one started, in whole seconds', () => {
    const request = requestOf({})

    assert.equal(lockoutEvent(request, apiKeyAttemptKey(request.ip), 0), undefined)
    assert.deepEqual(lockoutEvent(request, apiKeyAttemptKey(request.ip), 1500), {
      event: 'auth.lockout',
      outcome: 'failure',
      subject: 'api_key:ip:192.0.2.1',
      ip: '192.0.2.1',
      requestId: 'req-1',
      detail: { reason: 'api_key_failures', lock_s: 2 },
    })
  })

  it('audits a refusal with the caller, the reason and the route pattern', () => {
    const event = permissionDeniedEvent(requestOf({}), KEY_PRINCIPAL, 'missing_scope', 'POST /api/v1/plans')

    assert.deepEqual(event, {
      event: 'auth.permission_denied',
      outcome: 'failure',
      actor: 'api_key-1',
      ip: '192.0.2.1',
      requestId: 'req-1',
      detail: { reason: 'missing_scope', route: 'POST /api/v1/plans' },
    })
    assert.equal(refusalOf(ANONYMOUS, { principals: ['user'] }, true), undefined)
  })
})
