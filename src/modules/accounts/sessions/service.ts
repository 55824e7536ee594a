// Login sessions: login (with lock-outs and the second factor), access and refresh tokens (rotation with
// reuse detection), logout of one or every session, and the account's session list.
import { randomBytes, randomUUID } from 'node:crypto'
import { recordAudit } from '../../../platform/auth/audit.ts'
import { challenge } from '../../../platform/auth/errors.ts'
import type { Principal, Scope } from '../../../platform/auth/principal.ts'
import { digestOf } from '../../../platform/auth/secrets.ts'
import type { AuthConfig } from '../../../platform/config/config.ts'
import { isUuid } from '../../../platform/http/ids.ts'
import type { AccountsAuditLog } from '../audit.ts'
import type { ClientContext } from '../client-context.ts'
import { accountErrors } from '../errors.ts'
import type { LoginGuard } from '../login-guard.ts'
import type { SecondFactorInput } from '../mfa/service.ts'
import type { PasswordHasher } from '../passwords.ts'
import type { Role } from '../tables.ts'
import type { AccessTokens } from '../tokens/access-tokens.ts'
import type { UserRow, UsersRepo } from '../users/repo.ts'
import { normaliseEmail, requireUser } from '../users/service.ts'
import type { SessionRow, SessionsRepo } from './repo.ts'

export interface LoginInput extends SecondFactorInput {
  email: string
  password: string
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

export interface SessionsServiceOptions {
  config: AuthConfig
  tokens: AccessTokens
  /** The scopes each role's access tokens carry. */
  roleScopes: Readonly<Record<Role, readonly Scope[]>>
  /** Digests refresh tokens (derived from SECRET_KEY, 'credential-digest'). */
  pepper: Buffer
  hasher: PasswordHasher
  audit: AccountsAuditLog
  guard: LoginGuard
  realm: string
  secondFactor(user: UserRow, input: SecondFactorInput, context: ClientContext): Promise<boolean>
  csrfToken(sessionId: string): string
  /** Forgets what this process verified for the caller's access token (see tokens/verifier.ts). */
  forgetVerified(jti: string | undefined): void
}

const MAX_SESSIONS_LISTED = 100
const MAX_USER_AGENT = 512
const REFRESH_TOKEN = /^bkr_[A-Za-z0-9_-]{43}$/

/** What a new or rotated session records of its client. */
function clientOf(context: ClientContext) {
  return { userAgent: (context.userAgent ?? '').slice(0, MAX_USER_AGENT), ip: context.ip ?? '' }
}

/** The login's methods: a second factor is proven at login only, so a refresh never upgrades them. */
function amrOf(user: UserRow): string[] {
  return user.totp_secret === null ? ['pwd'] : ['pwd', 'otp']
}

export function createSessionsService(
  sessions: SessionsRepo,
  users: UsersRepo,
  options: SessionsServiceOptions,
) {
  const { config, hasher, guard, pepper } = options

  function newRefreshToken() {
    const token = `bkr_${randomBytes(32).toString('base64url')}`
    return {
      token,
      digest: digestOf(pepper, token),
      expiresAt: new Date(Date.now() + config.refreshTokenTtlS * 1000),
    }
  }

  async function issueTokens(user: UserRow, sessionId: string, refreshToken: string): Promise<TokenPair> {
    const access = await options.tokens.sign({
      sub: user.id,
      sid: sessionId,
      ver: user.token_version,
      scopes: [...options.roleScopes[user.role]],
      amr: amrOf(user),
    })
    return {
      token_type: 'Bearer',
      access_token: access.token,
      expires_in: config.accessTokenTtlS,
      refresh_token: refreshToken,
      refresh_expires_in: config.refreshTokenTtlS,
      session_id: sessionId,
      csrf_token: options.csrfToken(sessionId),
    }
  }

  const refreshInvalid = () =>
    accountErrors.REFRESH_TOKEN_INVALID({
      headers: { 'www-authenticate': challenge(options.realm, 'invalid_token') },
    })

  return {
    async login(input: LoginInput, context: ClientContext): Promise<TokenPair> {
      const email = normaliseEmail(input.email)
      await guard.check(email)
      const user = await users.findByEmail(email)
      // Unknown accounts verify against a dummy hash: same cost, same answer as a wrong password.
      const { ok, rehash } = await hasher.verify(input.password, user?.password_hash)
      if (!ok || user === undefined) {
        const reason = user === undefined ? 'unknown_account' : 'wrong_password'
        throw await guard.failure(email, user?.id, reason, context)
      }
      if (!(await options.secondFactor(user, input, context))) {
        throw await guard.failure(email, user.id, 'wrong_second_factor', context)
      }
      await guard.reset(email)
      if (rehash) await users.setPasswordHash(user.id, await hasher.hash(input.password), false)
      const refresh = newRefreshToken()
      const sessionId = randomUUID()
      await sessions.create({
        id: sessionId,
        userId: user.id,
        refreshDigest: refresh.digest,
        expiresAt: refresh.expiresAt,
        ...clientOf(context),
      })
      await recordAudit(options.audit, context, {
        event: 'auth.login',
        outcome: 'success',
        actor: user.id,
        subject: user.id,
        detail: { session_id: sessionId, amr: amrOf(user) },
      })
      return issueTokens(user, sessionId, refresh.token)
    },

    async refresh(refreshToken: string, context: ClientContext): Promise<TokenPair> {
      if (!REFRESH_TOKEN.test(refreshToken)) throw refreshInvalid()
      const next = newRefreshToken()
      const outcome = await sessions.rotate(digestOf(pepper, refreshToken), {
        digest: next.digest,
        expiresAt: next.expiresAt,
        ...clientOf(context),
      })
      if (outcome.kind === 'reused') {
        await recordAudit(options.audit, context, {
          event: 'auth.refresh_token_reused',
          outcome: 'failure',
          subject: outcome.session.user_id,
          detail: { session_id: outcome.session.id, action: 'session_revoked' },
        })
        throw refreshInvalid()
      }
      if (outcome.kind === 'invalid') throw refreshInvalid()
      const user = await users.findById(outcome.session.user_id)
      if (user === undefined) throw refreshInvalid()
      return issueTokens(user, outcome.session.id, next.token)
    },

    /** Ends the caller's session: its refresh family is revoked and this access token deny-listed. */
    async logout(principal: Principal, context: ClientContext): Promise<void> {
      const userId = requireUser(principal)
      if (principal.sessionId !== undefined) await sessions.revoke(userId, principal.sessionId, 'logout')
      if (principal.credentialId !== undefined && principal.expiresAt !== undefined) {
        await sessions.deny(principal.credentialId, new Date(principal.expiresAt))
        options.forgetVerified(principal.credentialId)
      }
      await recordAudit(options.audit, context, {
        event: 'auth.logout',
        outcome: 'success',
        actor: userId,
        subject: principal.sessionId,
      })
    },

    /** Every token of the user dies: sessions revoked, token version bumped. */
    async logoutAll(principal: Principal, context: ClientContext): Promise<void> {
      const userId = requireUser(principal)
      await users.bumpTokenVersion(userId)
      await sessions.revokeAll(userId, 'logout_all')
      options.forgetVerified(principal.credentialId)
      await recordAudit(options.audit, context, {
        event: 'auth.logout_all',
        outcome: 'success',
        actor: userId,
        subject: userId,
      })
    },

    async listSessions(principal: Principal) {
      const rows = await sessions.listActive(requireUser(principal), MAX_SESSIONS_LISTED)
      return { items: rows.map((row) => sessionView(row, principal.sessionId)) }
    },

    async revokeSession(principal: Principal, sessionId: string, context: ClientContext): Promise<void> {
      const userId = requireUser(principal)
      // A malformed id is as unknown as a missing one: 404 without a query.
      if (!isUuid(sessionId) || !(await sessions.revoke(userId, sessionId, 'revoked_by_user'))) {
        throw accountErrors.SESSION_NOT_FOUND()
      }
      await recordAudit(options.audit, context, {
        event: 'auth.session_revoked',
        outcome: 'success',
        actor: userId,
        subject: sessionId,
      })
    },
  }
}

export type SessionsService = ReturnType<typeof createSessionsService>

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
