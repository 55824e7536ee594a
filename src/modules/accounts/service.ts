// People's accounts: registration, login with lock-outs and an optional second factor, access and refresh
// tokens (rotation with reuse detection), logout, sessions, password changes, TOTP enrolment.
import { randomBytes, randomUUID } from 'node:crypto'
import type { AttemptStore } from '../../platform/auth/attempts.ts'
import type { AuditLog } from '../../platform/auth/audit.ts'
import { authErrors, challenge, tooManyAttempts } from '../../platform/auth/errors.ts'
import type { Principal, Scope } from '../../platform/auth/principal.ts'
import { decryptSecret, deriveKey, digestOf, encryptSecret } from '../../platform/auth/secrets.ts'
import { createTtlMap } from '../../platform/cache/ttl-map.ts'
import type { AnyDatabase } from '../../platform/db/database.ts'
import type { AuthConfig } from '../../platform/config/config.ts'
import { isUuid } from '../../platform/http/ids.ts'
import type { RequestContext } from './api-keys/service.ts'
import { accountErrors } from './errors.ts'
import { newRecoveryCodes, newTotpSecret, normaliseRecoveryCode, totpStepOf } from './mfa/totp.ts'
import { passwordProblem } from './password-policy.ts'
import type { PasswordHasher } from './passwords.ts'
import type { Role } from './tables.ts'
import { createAccessTokens } from './tokens/access-tokens.ts'
import type { Keyring } from './tokens/keyring.ts'
import { createSessionsRepo, type SessionRow } from './tokens/repo.ts'
import { createUsersRepo, type TokenState, type UserRow } from './users/repo.ts'

export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  user: ['math:read', 'plans:read', 'plans:write'],
  admin: ['math:read', 'plans:read', 'plans:write', 'admin'],
}

export interface ClientContext extends RequestContext {
  userAgent?: string | undefined
}

export interface LoginInput {
  email: string
  password: string
  totp_code?: string | undefined
  recovery_code?: string | undefined
}

export interface TokenPair {
  token_type: 'Bearer'
  access_token: string
  expires_in: number
  refresh_token: string
  refresh_expires_in: number
  session_id: string
  /** For browser clients: send it back as X-CSRF-Token on unsafe requests (cookie mode). */
  csrf_token: string
}

export interface UserView {
  id: string
  email: string
  role: Role
  mfa_enabled: boolean
  created_at: string
}

export interface AuthServiceOptions {
  config: AuthConfig
  secretKey: string
  keyring: Keyring
  hasher: PasswordHasher
  audit: AuditLog
  /** Failed logins per account and per client IP. */
  attempts: { account: AttemptStore; ip: AttemptStore }
  /** How stale a token's revocation state may be (every instance sees a logout within this time). */
  tokenStateTtlMs: number
  realm: string
}

const MAX_SESSIONS_LISTED = 100
const MAX_USER_AGENT = 512

/** Email as stored and looked up: Unicode-normalised, trimmed, lower case. */
export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase()
}

export function createAuthService(database: AnyDatabase, options: AuthServiceOptions) {
  const { config, hasher, audit, attempts, realm } = options
  const users = createUsersRepo(database)
  const sessions = createSessionsRepo(database)
  const tokens = createAccessTokens(options.keyring, {
    issuer: config.issuer,
    audience: config.audience,
    ttlS: config.accessTokenTtlS,
    clockSkewS: config.clockSkewS,
  })
  const pepper = deriveKey(options.secretKey, 'credential-digest')
  const totpKey = deriveKey(options.secretKey, 'totp-seal')
  const csrfKey = deriveKey(options.secretKey, 'csrf')
  const tokenStates = createTtlMap<{ state: TokenState; principal: Principal; fetchedAt: number } | null>(
    options.tokenStateTtlMs,
    10_000,
  )

  /** Whole tokens that passed every check, until their state is tokenStateTtlMs old. */
  const verifiedTokens = createTtlMap<Principal>(options.tokenStateTtlMs, 10_000)
  /** This process forgets what it verified at once when a user revokes tokens here. */
  const forgetVerified = (jti: string | undefined) => {
    if (jti !== undefined) tokenStates.delete(jti)
    verifiedTokens.clear()
  }

  const loginFailed = () =>
    accountErrors.LOGIN_FAILED({ headers: { 'www-authenticate': challenge(realm, 'invalid_token') } })

  function checkPassword(password: string, email: string) {
    const problem = passwordProblem(password, email, { minLength: config.passwordMinLength, maxLength: 256 })
    if (problem === undefined) return
    throw accountErrors.PASSWORD_REJECTED({
      detail: `The password ${problem}.`,
      errors: [{ location: 'body', pointer: '/password', message: problem }],
    })
  }

  function userView(user: UserRow): UserView {
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      mfa_enabled: user.totp_secret !== null,
      created_at: user.created_at.toISOString(),
    }
  }

  async function insertUser(email: string, password: string, role: Role): Promise<UserRow> {
    const normalised = normaliseEmail(email)
    checkPassword(password, normalised)
    const user = await users.insert({
      id: randomUUID(),
      email: normalised,
      password_hash: await hasher.hash(password),
      role,
    })
    if (user === undefined) throw accountErrors.EMAIL_TAKEN()
    return user
  }

  async function issueTokens(user: UserRow, sessionId: string, amr: string[], refreshToken: string) {
    const access = await tokens.sign({
      sub: user.id,
      sid: sessionId,
      ver: user.token_version,
      scopes: [...ROLE_SCOPES[user.role]],
      amr,
    })
    const pair: TokenPair = {
      token_type: 'Bearer',
      access_token: access.token,
      expires_in: config.accessTokenTtlS,
      refresh_token: refreshToken,
      refresh_expires_in: config.refreshTokenTtlS,
      session_id: sessionId,
      csrf_token: csrfToken(sessionId),
    }
    return pair
  }

  function newRefreshToken() {
    const token = `bkr_${randomBytes(32).toString('base64url')}`
    return {
      token,
      digest: digestOf(pepper, token),
      expiresAt: new Date(Date.now() + config.refreshTokenTtlS * 1000),
    }
  }

  function csrfToken(sessionId: string): string {
    return digestOf(csrfKey, sessionId)
  }

  function requireUser(principal: Principal): string {
    if (principal.kind !== 'user') throw authErrors.PERMISSION_DENIED({ detail: 'Only users have accounts.' })
    return principal.id
  }

  async function secondFactor(user: UserRow, input: LoginInput, context: ClientContext): Promise<boolean> {
    if (user.totp_secret === null) return true
    if (input.totp_code !== undefined) {
      const step = totpStepOf(decryptSecret(totpKey, user.totp_secret), input.totp_code)
      return step !== undefined && (await users.claimTotpStep(user.id, step))
    }
    if (input.recovery_code !== undefined) {
      const used = await users.claimRecoveryCode(
        user.id,
        digestOf(pepper, normaliseRecoveryCode(input.recovery_code)),
      )
      if (used) {
        await audit.record({
          event: 'auth.recovery_code_used',
          outcome: 'success',
          actor: user.id,
          subject: user.id,
          ip: context.ip,
          requestId: context.requestId,
          detail: { remaining: await users.remainingRecoveryCodes(user.id) },
        })
      }
      return used
    }
    throw accountErrors.MFA_REQUIRED({ headers: { 'www-authenticate': challenge(realm) } })
  }

  async function recordLoginFailure(
    email: string,
    user: UserRow | undefined,
    reason: string,
    context: ClientContext,
  ) {
    const accountKey = `login:account:${email}`
    const ipKey = `login:ip:${context.ip ?? ''}`
    const [accountLock, ipLock] = await Promise.all([
      attempts.account.recordFailure(accountKey),
      attempts.ip.recordFailure(ipKey),
    ])
    await audit.record({
      event: 'auth.login',
      outcome: 'failure',
      subject: user?.id ?? email,
      ip: context.ip,
      requestId: context.requestId,
      detail: { reason },
    })
    for (const [key, lockMs] of [
      [accountKey, accountLock],
      [ipKey, ipLock],
    ] as const) {
      if (lockMs === 0) continue
      await audit.record({
        event: 'auth.lockout',
        outcome: 'failure',
        subject: key,
        ip: context.ip,
        requestId: context.requestId,
        detail: { reason: 'login_failures', lock_s: Math.ceil(lockMs / 1000) },
      })
    }
  }

  return {
    csrfToken,

    async register(input: { email: string; password: string }, context: ClientContext): Promise<UserView> {
      if (config.registration !== 'open') throw accountErrors.REGISTRATION_CLOSED()
      const user = await insertUser(input.email, input.password, 'user')
      await audit.record({
        event: 'user.created',
        outcome: 'success',
        actor: user.id,
        subject: user.id,
        ip: context.ip,
        requestId: context.requestId,
        detail: { role: user.role, via: 'register' },
      })
      return userView(user)
    },

    /** An administrator (or the CLI) creates an account with any role. */
    async createUser(
      actor: Principal | 'cli',
      input: { email: string; password: string; role: Role },
      context: ClientContext = {},
    ): Promise<UserView> {
      if (actor !== 'cli' && !actor.isAdmin) throw authErrors.PERMISSION_DENIED()
      if (actor !== 'cli' && config.registration === 'closed') throw accountErrors.REGISTRATION_CLOSED()
      const user = await insertUser(input.email, input.password, input.role)
      await audit.record({
        event: 'user.created',
        outcome: 'success',
        actor: actor === 'cli' ? 'cli' : actor.id,
        subject: user.id,
        ip: context.ip,
        requestId: context.requestId,
        detail: { role: user.role, via: actor === 'cli' ? 'cli' : 'admin' },
      })
      return userView(user)
    },

    async login(input: LoginInput, context: ClientContext): Promise<TokenPair> {
      const email = normaliseEmail(input.email)
      const locked = Math.max(
        await attempts.account.lockedFor(`login:account:${email}`),
        await attempts.ip.lockedFor(`login:ip:${context.ip ?? ''}`),
      )
      if (locked > 0) throw tooManyAttempts(locked)
      const user = await users.findByEmail(email)
      // Unknown accounts verify against a dummy hash: same cost, same answer as a wrong password.
      const { ok, rehash } = await hasher.verify(input.password, user?.password_hash)
      if (!ok || user === undefined) {
        await recordLoginFailure(
          email,
          user,
          user === undefined ? 'unknown_account' : 'wrong_password',
          context,
        )
        throw loginFailed()
      }
      if (!(await secondFactor(user, input, context))) {
        await recordLoginFailure(email, user, 'wrong_second_factor', context)
        throw loginFailed()
      }
      await attempts.account.reset(`login:account:${email}`)
      if (rehash) await users.setPasswordHash(user.id, await hasher.hash(input.password), false)
      const refresh = newRefreshToken()
      const sessionId = randomUUID()
      await sessions.create({
        id: sessionId,
        userId: user.id,
        refreshDigest: refresh.digest,
        expiresAt: refresh.expiresAt,
        userAgent: (context.userAgent ?? '').slice(0, MAX_USER_AGENT),
        ip: context.ip ?? '',
      })
      const amr = user.totp_secret === null ? ['pwd'] : ['pwd', 'otp']
      await audit.record({
        event: 'auth.login',
        outcome: 'success',
        actor: user.id,
        subject: user.id,
        ip: context.ip,
        requestId: context.requestId,
        detail: { session_id: sessionId, amr },
      })
      return issueTokens(user, sessionId, amr, refresh.token)
    },

    async refresh(refreshToken: string, context: ClientContext): Promise<TokenPair> {
      const invalid = () =>
        accountErrors.REFRESH_TOKEN_INVALID({
          headers: { 'www-authenticate': challenge(realm, 'invalid_token') },
        })
      if (!/^bkr_[A-Za-z0-9_-]{43}$/.test(refreshToken)) throw invalid()
      const next = newRefreshToken()
      const outcome = await sessions.rotate(digestOf(pepper, refreshToken), {
        digest: next.digest,
        expiresAt: next.expiresAt,
        userAgent: (context.userAgent ?? '').slice(0, MAX_USER_AGENT),
        ip: context.ip ?? '',
      })
      if (outcome.kind === 'reused') {
        await audit.record({
          event: 'auth.refresh_token_reused',
          outcome: 'failure',
          subject: outcome.session.user_id,
          ip: context.ip,
          requestId: context.requestId,
          detail: { session_id: outcome.session.id, action: 'session_revoked' },
        })
        throw invalid()
      }
      if (outcome.kind === 'invalid') throw invalid()
      const user = await users.findById(outcome.session.user_id)
      if (user === undefined) throw invalid()
      // A refresh never upgrades the login's methods: a second factor is proven at login only.
      const amr = user.totp_secret === null ? ['pwd'] : ['pwd', 'otp']
      return issueTokens(user, outcome.session.id, amr, next.token)
    },

    /** Ends the caller's session: its refresh family is revoked and this access token deny-listed. */
    async logout(principal: Principal, context: ClientContext): Promise<void> {
      const userId = requireUser(principal)
      if (principal.sessionId !== undefined) await sessions.revoke(userId, principal.sessionId, 'logout')
      if (principal.credentialId !== undefined && principal.expiresAt !== undefined) {
        await sessions.deny(principal.credentialId, new Date(principal.expiresAt))
        forgetVerified(principal.credentialId)
      }
      await audit.record({
        event: 'auth.logout',
        outcome: 'success',
        actor: userId,
        subject: principal.sessionId,
        ip: context.ip,
        requestId: context.requestId,
      })
    },

    /** Every token of the user dies: sessions revoked, token version bumped. */
    async logoutAll(principal: Principal, context: ClientContext): Promise<void> {
      const userId = requireUser(principal)
      await users.bumpTokenVersion(userId)
      await sessions.revokeAll(userId, 'logout_all')
      forgetVerified(principal.credentialId)
      await audit.record({
        event: 'auth.logout_all',
        outcome: 'success',
        actor: userId,
        subject: userId,
        ip: context.ip,
        requestId: context.requestId,
      })
    },

    async changePassword(
      principal: Principal,
      input: { current_password: string; new_password: string },
      context: ClientContext,
    ): Promise<void> {
      const userId = requireUser(principal)
      const user = await users.findById(userId)
      if (user === undefined) throw authErrors.PERMISSION_DENIED()
      const { ok } = await hasher.verify(input.current_password, user.password_hash)
      if (!ok) {
        await recordLoginFailure(user.email, user, 'wrong_password_on_change', context)
        throw loginFailed()
      }
      checkPassword(input.new_password, user.email)
      await users.setPasswordHash(userId, await hasher.hash(input.new_password), true)
      await sessions.revokeAll(userId, 'password_changed')
      forgetVerified(principal.credentialId)
      await audit.record({
        event: 'auth.password_changed',
        outcome: 'success',
        actor: userId,
        subject: userId,
        ip: context.ip,
        requestId: context.requestId,
      })
    },

    async me(principal: Principal): Promise<UserView> {
      const user = await users.findById(requireUser(principal))
      if (user === undefined) throw authErrors.PERMISSION_DENIED()
      return userView(user)
    },

    async listSessions(principal: Principal) {
      const rows = await sessions.listActive(requireUser(principal), MAX_SESSIONS_LISTED)
      return { items: rows.map((row: SessionRow) => sessionView(row, principal.sessionId)) }
    },

    async revokeSession(principal: Principal, sessionId: string, context: ClientContext): Promise<void> {
      const userId = requireUser(principal)
      // A malformed id is as unknown as a missing one: 404 without a query.
      if (!isUuid(sessionId) || !(await sessions.revoke(userId, sessionId, 'revoked_by_user'))) {
        throw accountErrors.SESSION_NOT_FOUND()
      }
      await audit.record({
        event: 'auth.session_revoked',
        outcome: 'success',
        actor: userId,
        subject: sessionId,
        ip: context.ip,
        requestId: context.requestId,
      })
    },

    /** Starts TOTP enrolment: the secret and its otpauth:// URI; active only after confirmTotp. */
    async enrolTotp(principal: Principal): Promise<{ secret: string; otpauth_uri: string }> {
      const user = await users.findById(requireUser(principal))
      if (user === undefined) throw authErrors.PERMISSION_DENIED()
      if (user.totp_secret !== null)
        throw accountErrors.MFA_STATE_CONFLICT({ detail: 'Two-factor authentication is already enabled.' })
      const { secret, uri } = newTotpSecret(user.email, config.issuer)
      await users.setPendingTotp(user.id, encryptSecret(totpKey, secret))
      return { secret, otpauth_uri: uri }
    },

    /** Activates the pending secret with a current code; returns the recovery codes, shown this once. */
    async confirmTotp(
      principal: Principal,
      code: string,
      context: ClientContext,
    ): Promise<{ recovery_codes: string[] }> {
      const user = await users.findById(requireUser(principal))
      if (
        user?.totp_pending_secret === null ||
        user?.totp_pending_secret === undefined ||
        user.totp_secret !== null
      ) {
        throw accountErrors.MFA_STATE_CONFLICT({
          detail: 'There is no pending enrolment: start one with POST /api/v1/auth/mfa/totp.',
        })
      }
      const step = totpStepOf(decryptSecret(totpKey, user.totp_pending_secret), code)
      if (step === undefined) throw accountErrors.MFA_CODE_INVALID()
      const codes = newRecoveryCodes()
      const enabled = await users.enableTotp(
        user.id,
        step,
        codes.map((c) => digestOf(pepper, normaliseRecoveryCode(c))),
      )
      if (!enabled) throw accountErrors.MFA_STATE_CONFLICT()
      await audit.record({
        event: 'auth.mfa_enabled',
        outcome: 'success',
        actor: user.id,
        subject: user.id,
        ip: context.ip,
        requestId: context.requestId,
      })
      return { recovery_codes: codes }
    },

    /** Turns TOTP off; needs the password and a current code (or a recovery code). */
    async disableTotp(
      principal: Principal,
      input: { password: string; totp_code?: string | undefined; recovery_code?: string | undefined },
      context: ClientContext,
    ): Promise<void> {
      const user = await users.findById(requireUser(principal))
      if (user?.totp_secret === null || user?.totp_secret === undefined) {
        throw accountErrors.MFA_STATE_CONFLICT({ detail: 'Two-factor authentication is not enabled.' })
      }
      const { ok } = await hasher.verify(input.password, user.password_hash)
      const second = ok && (await secondFactor(user, { email: user.email, ...input }, context))
      if (!second) {
        await recordLoginFailure(user.email, user, 'wrong_credentials_on_mfa_disable', context)
        throw loginFailed()
      }
      await users.disableTotp(user.id)
      await audit.record({
        event: 'auth.mfa_disabled',
        outcome: 'success',
        actor: user.id,
        subject: user.id,
        ip: context.ip,
        requestId: context.requestId,
      })
    },

    /**
     * The gate's verifier: the principal of a valid, unrevoked access token. A token verified in the last
     * tokenStateTtlMs (against state read no longer ago than that) answers from memory, synchronously.
     */
    verifyAccessToken(token: string): Principal | undefined | Promise<Principal | undefined> {
      const hit = verifiedTokens.get(token)
      if (hit !== undefined && hit.expiresAt !== undefined && hit.expiresAt > Date.now()) return hit
      return verifyTokenUncached(token)
    },

    jwks: () => options.keyring.jwks,
  }

  async function verifyTokenUncached(token: string): Promise<Principal | undefined> {
    const claims = await tokens.verify(token)
    if (claims === undefined) return undefined
    let entry = tokenStates.get(claims.jti)
    if (entry === undefined) {
      const fetchedAt = Date.now()
      const state = await users.tokenState(claims.sub, claims.sid, claims.jti)
      // Roles can shrink after issue: a token never carries more than the user's current role allows.
      const allowed = state === undefined ? [] : ROLE_SCOPES[state.role]
      const scopes = new Set(claims.scopes.filter((scope) => allowed.includes(scope)))
      entry =
        state === undefined
          ? null
          : {
              state,
              fetchedAt,
              principal: Object.freeze({
                id: claims.sub,
                kind: 'user',
                isAdmin: scopes.has('admin'),
                scopes,
                credentialId: claims.jti,
                sessionId: claims.sid,
                expiresAt: claims.exp * 1000,
                mfa: claims.amr.includes('otp'),
              }),
            }
      tokenStates.set(claims.jti, entry)
    }
    if (entry === null) return undefined
    const { state } = entry
    if (state.denied || !state.sessionActive || state.tokenVersion !== claims.ver) return undefined
    verifiedTokens.set(token, entry.principal, entry.fetchedAt)
    return entry.principal
  }
}

export type AuthService = ReturnType<typeof createAuthService>

function sessionView(row: SessionRow, current: string | undefined) {
  return {
    id: row.id,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    user_agent: row.user_agent,
    ip: row.ip,
    current: row.id === current,
  }
}
