import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createMemoryAttemptStore } from '../../../src/platform/auth/attempts.ts'
import type { AuditEvent } from '../../../src/platform/auth/audit.ts'
import { AppError } from '../../../src/platform/errors/app-error.ts'
import type { AccountsAuditEvent } from '../../../src/modules/accounts/audit.ts'
import { createLoginGuard } from '../../../src/modules/accounts/login-guard.ts'

function guardWith(threshold: number) {
  const events: AuditEvent<AccountsAuditEvent>[] = []
  const store = () =>
    createMemoryAttemptStore({ threshold, windowMs: 60_000, baseLockMs: 1000, maxLockMs: 8000 })
  const guard = createLoginGuard({
    attempts: { account: store(), ip: store() },
    audit: { record: async (event) => void events.push(event) },
    realm: 'test',
  })
  return { guard, events }
}

const CLIENT = { ip: '192.0.2.1', requestId: 'r1' }

describe('login guard', () => {
  it('answers a failure with LOGIN_FAILED and its challenge, and audits it', async () => {
    const { guard, events } = guardWith(5)

    const error = await guard.failure('ada@example.com', 'user-1', 'wrong_password', CLIENT)

    assert.ok(error instanceof AppError)
    assert.equal(error.code, 'LOGIN_FAILED')
    assert.deepEqual(events, [
      {
        event: 'auth.login',
        outcome: 'failure',
        subject: 'user-1',
        detail: { reason: 'wrong_password' },
        ip: '192.0.2.1',
        requestId: 'r1',
      },
    ])
  })

  it('locks the account and the client IP out at the threshold, audits both locks, and check refuses', async () => {
    const { guard, events } = guardWith(2)

    await guard.failure('ada@example.com', undefined, 'unknown_account', CLIENT)
    await guard.failure('ada@example.com', undefined, 'unknown_account', CLIENT)

    const locks = events.filter((event) => event.event === 'auth.lockout').map((event) => event.subject)
    assert.deepEqual(locks, ['login:account:ada@example.com', 'login:ip:192.0.2.1'])
    assert.equal(events[0]?.subject, 'ada@example.com')
    await assert.rejects(guard.check('ada@example.com'), { code: 'TOO_MANY_ATTEMPTS' })
    // The locked-out IP's next failure answers 429 rather than 401.
    const next = await guard.failure('grace@example.com', undefined, 'wrong_password', CLIENT)
    assert.equal(next.code, 'TOO_MANY_ATTEMPTS')
  })

  it('forgets the failures of the account on reset, while those of the client IP stay counted', async () => {
    const { guard } = guardWith(2)
    const other = { ip: '198.51.100.7' }
    await guard.failure('ada@example.com', undefined, 'wrong_password', CLIENT)

    await guard.reset('ada@example.com')
    await guard.failure('ada@example.com', undefined, 'wrong_password', other)
    await guard.failure('grace@example.com', undefined, 'wrong_password', CLIENT)

    await guard.check('ada@example.com')
    // CLIENT reached the threshold (ada, then grace): its failures answer 429 now, but a login of an
    // account that is not locked out, from that same IP, is not refused before its password is checked.
    await guard.check('grace@example.com')
    const next = await guard.failure('grace@example.com', undefined, 'wrong_password', CLIENT)
    assert.equal(next.code, 'TOO_MANY_ATTEMPTS')
    const elsewhere = await guard.failure('ada@example.com', undefined, 'wrong_password', other)
    assert.equal(elsewhere.code, 'LOGIN_FAILED')
  })
})
