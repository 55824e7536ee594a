// Failed logins: lock-outs per account and per client IP, their audit events, and the one answer a
// failure gets (a wrong password, an unknown account and a wrong second factor look the same). An account
// lock-out refuses every login of the account; a client IP's refuses only the failures from it.
import type { AttemptStore } from '../../platform/auth/attempts.ts'
import { recordAudit } from '../../platform/auth/audit.ts'
import { challenge, tooManyAttempts } from '../../platform/auth/errors.ts'
import type { AppError } from '../../platform/errors/app-error.ts'
import type { AccountsAuditLog } from './audit.ts'
import type { ClientContext } from './client-context.ts'
import { accountErrors } from './errors.ts'

export interface LoginGuardOptions {
  /** Failed logins per account and per client IP. */
  attempts: { account: AttemptStore; ip: AttemptStore }
  audit: AccountsAuditLog
  realm: string
}

const accountKey = (email: string) => `login:account:${email}`
const ipKey = (context: ClientContext) => `login:ip:${context.ip ?? ''}`

export function createLoginGuard({ attempts, audit: log, realm }: LoginGuardOptions) {
  return {
    /**
     * Throws 429 while the account is locked out, even for the right password. A locked-out client IP is
     * not checked here: its right passwords still log in (one guesser behind a NAT must not lock out
     * everyone there); its wrong ones answer 429 (failure below), and RATE_LIMIT_SENSITIVE bounds how
     * many it may try.
     */
    async check(email: string): Promise<void> {
      const locked = await attempts.account.lockedFor(accountKey(email))
      if (locked > 0) throw tooManyAttempts(locked)
    },

    /** A successful login forgives the account's failures (the IP's count on). */
    reset: (email: string) => attempts.account.reset(accountKey(email)),

    /** Counts and audits a failure (and any lock-out it starts); returns the error to throw. */
    async failure(
      email: string,
      userId: string | undefined,
      reason: string,
      context: ClientContext,
    ): Promise<AppError> {
      const keys = [accountKey(email), ipKey(context)] as const
      const ipLocked = await attempts.ip.lockedFor(keys[1])
      const locks = await Promise.all([
        attempts.account.recordFailure(keys[0]),
        attempts.ip.recordFailure(keys[1]),
      ])
      await recordAudit(log, context, {
        event: 'auth.login',
        outcome: 'failure',
        subject: userId ?? email,
        detail: { reason },
      })
      for (const [index, lockMs] of locks.entries()) {
        if (lockMs === 0) continue
        await recordAudit(log, context, {
          event: 'auth.lockout',
          outcome: 'failure',
          subject: keys[index],
          detail: { reason: 'login_failures', lock_s: Math.ceil(lockMs / 1000) },
        })
      }
      if (ipLocked > 0) return tooManyAttempts(ipLocked)
      return accountErrors.LOGIN_FAILED({
        headers: { 'www-authenticate': challenge(realm, 'invalid_token') },
      })
    },
  }
}

export type LoginGuard = ReturnType<typeof createLoginGuard>
