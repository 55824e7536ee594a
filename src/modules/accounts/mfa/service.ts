// Two-factor authentication with TOTP: enrolment (pending until confirmed with a code), recovery codes,
// turning it off, and the second-factor check of a login.
import { recordAudit } from '../../../platform/auth/audit.ts'
import { authErrors, challenge } from '../../../platform/auth/errors.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { decryptSecret, digestOf, encryptSecret } from '../../../platform/auth/secrets.ts'
import type { AccountsAuditLog } from '../audit.ts'
import type { ClientContext } from '../client-context.ts'
import { accountErrors } from '../errors.ts'
import type { LoginGuard } from '../login-guard.ts'
import type { PasswordHasher } from '../passwords.ts'
import type { UserRow, UsersRepo } from '../users/repo.ts'
import { requireUser } from '../users/service.ts'
import { newRecoveryCodes, newTotpSecret, normaliseRecoveryCode, totpStepOf } from './totp.ts'

/** A second factor as a login (or disabling TOTP) sends it: a current code or a recovery code. */
export interface SecondFactorInput {
  totp_code?: string | undefined
  recovery_code?: string | undefined
}

export interface MfaServiceOptions {
  /** The issuer shown in authenticator apps. */
  issuer: string
  /** Seals TOTP secrets at rest (derived from SECRET_KEY, 'totp-seal'). */
  totpKey: Buffer
  /** Digests recovery codes (derived from SECRET_KEY, 'credential-digest'). */
  pepper: Buffer
  hasher: PasswordHasher
  audit: AccountsAuditLog
  guard: LoginGuard
  realm: string
}

export function createMfaService(users: UsersRepo, options: MfaServiceOptions) {
  const { totpKey, pepper } = options
  const recoveryDigest = (code: string) => digestOf(pepper, normaliseRecoveryCode(code))

  /** Whether the user passed the second factor (true when none is enabled); 401 when none was sent. */
  async function secondFactor(
    user: UserRow,
    input: SecondFactorInput,
    context: ClientContext,
  ): Promise<boolean> {
    if (user.totp_secret === null) return true
    if (input.totp_code !== undefined) {
      const step = totpStepOf(decryptSecret(totpKey, user.totp_secret), input.totp_code)
      return step !== undefined && (await users.claimTotpStep(user.id, step))
    }
    if (input.recovery_code !== undefined) {
      const used = await users.claimRecoveryCode(user.id, recoveryDigest(input.recovery_code))
      if (used) {
        await recordAudit(options.audit, context, {
          event: 'auth.recovery_code_used',
          outcome: 'success',
          actor: user.id,
          subject: user.id,
          detail: { remaining: await users.remainingRecoveryCodes(user.id) },
        })
      }
      return used
    }
    throw accountErrors.MFA_REQUIRED({ headers: { 'www-authenticate': challenge(options.realm) } })
  }

  return {
    secondFactor,

    /** Starts TOTP enrolment: the secret and its otpauth:// URI; active only after confirmTotp. */
    async enrolTotp(principal: Principal): Promise<{ secret: string; otpauth_uri: string }> {
      const user = await users.findById(requireUser(principal))
      if (user === undefined) throw authErrors.PERMISSION_DENIED()
      if (user.totp_secret !== null)
        throw accountErrors.MFA_STATE_CONFLICT({ detail: 'Two-factor authentication is already enabled.' })
      const { secret, uri } = newTotpSecret(user.email, options.issuer)
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
      const enabled = await users.enableTotp(user.id, step, codes.map(recoveryDigest))
      if (!enabled) throw accountErrors.MFA_STATE_CONFLICT()
      await recordAudit(options.audit, context, {
        event: 'auth.mfa_enabled',
        outcome: 'success',
        actor: user.id,
        subject: user.id,
      })
      return { recovery_codes: codes }
    },

    /** Turns TOTP off; needs the password and a current code (or a recovery code). */
    async disableTotp(
      principal: Principal,
      input: SecondFactorInput & { password: string },
      context: ClientContext,
    ): Promise<void> {
      const user = await users.findById(requireUser(principal))
      if (user?.totp_secret === null || user?.totp_secret === undefined) {
        throw accountErrors.MFA_STATE_CONFLICT({ detail: 'Two-factor authentication is not enabled.' })
      }
      const { ok } = await options.hasher.verify(input.password, user.password_hash)
      const second = ok && (await secondFactor(user, input, context))
      if (!second) {
        throw await options.guard.failure(user.email, user.id, 'wrong_credentials_on_mfa_disable', context)
      }
      await users.disableTotp(user.id)
      await recordAudit(options.audit, context, {
        event: 'auth.mfa_disabled',
        outcome: 'success',
        actor: user.id,
        subject: user.id,
      })
    },
  }
}

export type MfaService = ReturnType<typeof createMfaService>
