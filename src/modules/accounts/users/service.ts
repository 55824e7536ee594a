// People's accounts: registration, accounts created by administrators or the CLI, password changes and
// the caller's own account.
import { randomUUID } from 'node:crypto'
import { recordAudit } from '../../../platform/auth/audit.ts'
import { authErrors } from '../../../platform/auth/errors.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { AuthConfig } from '../../../platform/config/config.ts'
import type { AccountsAuditLog } from '../audit.ts'
import type { ClientContext } from '../client-context.ts'
import { accountErrors } from '../errors.ts'
import type { LoginGuard } from '../login-guard.ts'
import { passwordProblem } from '../password-policy.ts'
import type { PasswordHasher } from '../passwords.ts'
import type { SessionsRepo } from '../sessions/repo.ts'
import type { Role } from '../tables.ts'
import type { UserRow, UsersRepo } from './repo.ts'

export interface UserView {
  id: string
  email: string
  role: Role
  mfa_enabled: boolean
  created_at: string
}

/** The answer to a self-registration: the same for a new address and a taken one. */
export interface RegistrationAccepted {
  status: 'accepted'
  email: string
}

export interface UsersServiceOptions {
  config: AuthConfig
  hasher: PasswordHasher
  audit: AccountsAuditLog
  guard: LoginGuard
  /** A password change ends every session of the account. */
  sessions: Pick<SessionsRepo, 'revokeAll'>
  /** Forgets what this process verified for the caller's access token (see tokens/verifier.ts). */
  forgetVerified(jti: string | undefined): void
}

/** Email as stored and looked up: Unicode-normalised, trimmed, lower case. */
export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase()
}

/** The caller's user id; API keys and anonymous callers have no account. */
export function requireUser(principal: Principal): string {
  if (principal.kind !== 'user') throw authErrors.PERMISSION_DENIED({ detail: 'Only users have accounts.' })
  return principal.id
}

export function userView(user: UserRow): UserView {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    mfa_enabled: user.totp_secret !== null,
    created_at: user.created_at.toISOString(),
  }
}

export function createUsersService(users: UsersRepo, options: UsersServiceOptions) {
  const { config, hasher, guard } = options

  function checkPassword(password: string, email: string) {
    const problem = passwordProblem(password, email, { minLength: config.passwordMinLength, maxLength: 256 })
    if (problem === undefined) return
    throw accountErrors.PASSWORD_REJECTED({
      detail: `The password ${problem}.`,
      errors: [{ location: 'body', pointer: '/password', message: problem }],
    })
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

  return {
    /**
     * Self-registration answers the same whether or not the address has an account (issue 12): the policy
     * check, one password hash, one statement and one audit event in both cases. A new address gets its
     * account at once; a taken one is left unchanged, and the event is the notice its owner is sent
     * (docs/SECURITY.md, "Registration").
     */
    async register(
      input: { email: string; password: string },
      context: ClientContext,
    ): Promise<RegistrationAccepted> {
      if (config.registration !== 'open') throw accountErrors.REGISTRATION_CLOSED()
      const email = normaliseEmail(input.email)
      checkPassword(input.password, email)
      // Hashed before anything is known about the address, so a taken one costs the same hash.
      const password_hash = await hasher.hash(input.password)
      const account = await users.insertOrFind({ id: randomUUID(), email, password_hash, role: 'user' })
      await recordAudit(
        options.audit,
        context,
        account.created
          ? {
              event: 'user.created',
              outcome: 'success',
              actor: account.id,
              subject: account.id,
              detail: { role: 'user', via: 'register', notice: 'welcome' },
            }
          : {
              event: 'user.registration_existing',
              outcome: 'failure',
              subject: account.id,
              detail: { via: 'register', notice: 'already_registered' },
            },
      )
      return { status: 'accepted', email }
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
      await recordAudit(options.audit, context, {
        event: 'user.created',
        outcome: 'success',
        actor: actor === 'cli' ? 'cli' : actor.id,
        subject: user.id,
        detail: { role: user.role, via: actor === 'cli' ? 'cli' : 'admin' },
      })
      return userView(user)
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
      if (!ok) throw await guard.failure(user.email, user.id, 'wrong_password_on_change', context)
      checkPassword(input.new_password, user.email)
      await users.setPasswordHash(userId, await hasher.hash(input.new_password), true)
      await options.sessions.revokeAll(userId, 'password_changed')
      options.forgetVerified(principal.credentialId)
      await recordAudit(options.audit, context, {
        event: 'auth.password_changed',
        outcome: 'success',
        actor: userId,
        subject: userId,
      })
    },

    async me(principal: Principal): Promise<UserView> {
      const user = await users.findById(requireUser(principal))
      if (user === undefined) throw authErrors.PERMISSION_DENIED()
      return userView(user)
    },
  }
}

export type UsersService = ReturnType<typeof createUsersService>
