import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { totpCodeAt } from '../../../src/modules/accounts/mfa/totp.ts'
import { login, PASSWORD, register, registerAndLogin } from '../../helpers/accounts.ts'
import { buildTestApp } from '../../helpers/build-app.ts'
import { createPlan } from '../../helpers/plans.ts'
import { assertProblem } from '../../helpers/problem.ts'

const email = () => `u${randomUUID()}@example.com`

describe('two-factor authentication (TOTP)', () => {
  async function enrolled(t: Parameters<typeof buildTestApp>[0], env: Record<string, string> = {}) {
    const built = await buildTestApp(t, env)
    const address = email()
    const session = await registerAndLogin(built.app, address)
    const start = await built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp',
      headers: session.headers,
    })
    assert.equal(start.statusCode, 200, start.body)
    const { secret, otpauth_uri } = start.json<{ secret: string; otpauth_uri: string }>()
    assert.match(otpauth_uri, /^otpauth:\/\/totp\/.+secret=/)
    const notYet = await login(built.app, address)
    assert.ok(notYet.accessToken, 'not required before confirmation')
    const wrong = await built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp/confirm',
      headers: session.headers,
      payload: { totp_code: totpCodeAt(secret, Date.now() - 10 * 60_000) },
    })
    assertProblem(wrong, 422, 'MFA_CODE_INVALID')
    const confirm = await built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp/confirm',
      headers: session.headers,
      payload: { totp_code: totpCodeAt(secret) },
    })
    assert.equal(confirm.statusCode, 200, confirm.body)
    const codes = confirm.json<{ recovery_codes: string[] }>().recovery_codes
    return { ...built, address, secret, codes, session }
  }

  it('then requires the second factor at login, and refuses a replayed code', async (t) => {
    const { app, address, secret, codes } = await enrolled(t)
    assert.equal(codes.length, 10)
    const attempt = (extra: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: address, password: PASSWORD, ...extra },
      })

    assertProblem(await attempt({}), 401, 'MFA_REQUIRED')
    // The confirmation used the current step: the same code again is a replay.
    assertProblem(await attempt({ totp_code: totpCodeAt(secret) }), 401, 'LOGIN_FAILED')
    const next = await attempt({ totp_code: totpCodeAt(secret, Date.now() + 30_000) })
    assert.equal(next.statusCode, 200, next.body)
    const payload = JSON.parse(
      Buffer.from(
        next.json<{ access_token: string }>().access_token.split('.')[1] ?? '',
        'base64url',
      ).toString(),
    )
    assert.deepEqual(payload.amr, ['pwd', 'otp'])
  })

  it('accepts each recovery code once', async (t) => {
    const { app, address, codes } = await enrolled(t)
    const attempt = (code: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: address, password: PASSWORD, recovery_code: code },
      })

    assert.equal((await attempt((codes[0] ?? '').toUpperCase())).statusCode, 200)
    assertProblem(await attempt(codes[0] ?? ''), 401, 'LOGIN_FAILED')
    assertProblem(await attempt('zzzzz-zzzzz'), 401, 'LOGIN_FAILED')
  })

  it('refuses a second enrolment while enabled, and disables with password and code', async (t) => {
    const { app, session, secret, address } = await enrolled(t)

    assertProblem(
      await app.inject({ method: 'POST', url: '/api/v1/auth/mfa/totp', headers: session.headers }),
      409,
      'MFA_STATE_CONFLICT',
    )
    const off = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp/disable',
      headers: session.headers,
      payload: { password: PASSWORD, totp_code: totpCodeAt(secret, Date.now() + 30_000) },
    })
    assert.equal(off.statusCode, 204, off.body)
    await login(app, address)
  })

  it('AUTH_ADMIN_MFA=required confines an admin without a second factor to enrolment', async (t) => {
    const { app } = await buildTestApp(t, { AUTH_ADMIN_MFA: 'required' })
    const address = email()
    await app.accounts.users.createUser('cli', { email: address, password: PASSWORD, role: 'admin' })
    const admin = await login(app, address)

    assertProblem(
      await app.inject({ url: '/api/v1/plans', headers: admin.headers }),
      403,
      'MFA_ENROLLMENT_REQUIRED',
    )
    assertProblem(
      await app.inject({ url: '/api/v1/api-keys', headers: admin.headers }),
      403,
      'MFA_ENROLLMENT_REQUIRED',
    )
    assert.equal((await app.inject({ url: '/api/v1/auth/me', headers: admin.headers })).statusCode, 200)
    const start = await app.inject({ method: 'POST', url: '/api/v1/auth/mfa/totp', headers: admin.headers })
    const { secret } = start.json<{ secret: string }>()
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp/confirm',
      headers: admin.headers,
      payload: { totp_code: totpCodeAt(secret) },
    })
    const strong = await login(app, address, PASSWORD, { totp_code: totpCodeAt(secret, Date.now() + 30_000) })
    assert.equal((await app.inject({ url: '/api/v1/api-keys', headers: strong.headers })).statusCode, 200)
  })
})

describe('browser mode (AUTH_COOKIES=true)', () => {
  it('puts tokens in HttpOnly Secure SameSite cookies and requires the CSRF token on unsafe methods', async (t) => {
    const { app, anonymous } = await buildTestApp(t, { AUTH_COOKIES: 'true' })
    const address = email()
    await register(app, address)

    const response = await anonymous({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: address, password: PASSWORD },
    })

    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json().access_token, undefined, 'no token in a body a script could read')
    const setCookies = [response.headers['set-cookie']].flat() as string[]
    const access = setCookies.find((cookie) => cookie.startsWith('bulwark_access='))
    assert.match(access ?? '', /HttpOnly/i)
    assert.match(access ?? '', /Secure/i)
    assert.match(access ?? '', /SameSite=Strict/i)
    const jar = setCookies.map((cookie) => cookie.split(';')[0]).join('; ')
    const csrf = response.json().csrf_token as string

    assert.equal((await anonymous({ url: '/api/v1/plans', headers: { cookie: jar } })).statusCode, 200)
    const payload = { title: 'From the browser', start_date: '2026-12-01' }
    assertProblem(
      await anonymous({ method: 'POST', url: '/api/v1/plans', headers: { cookie: jar }, payload }),
      403,
      'CSRF_TOKEN_INVALID',
    )
    assertProblem(
      await anonymous({
        method: 'POST',
        url: '/api/v1/plans',
        headers: { cookie: jar, 'x-csrf-token': 'forged' },
        payload,
      }),
      403,
      'CSRF_TOKEN_INVALID',
    )
    const created = await anonymous({
      method: 'POST',
      url: '/api/v1/plans',
      headers: { cookie: jar, 'x-csrf-token': csrf },
      payload,
    })
    assert.equal(created.statusCode, 201, created.body)

    assertProblem(
      await anonymous({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: jar }, payload: {} }),
      403,
      'CSRF_TOKEN_INVALID',
    )
    const refreshed = await anonymous({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { cookie: jar, 'x-csrf-token': csrf },
      payload: {},
    })
    assert.equal(refreshed.statusCode, 200, refreshed.body)
    const out = await anonymous({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: jar, 'x-csrf-token': csrf },
    })
    assert.equal(out.statusCode, 204)
    assert.ok(
      ([out.headers['set-cookie']].flat() as string[]).some((cookie) =>
        /bulwark_access=;.*Max-Age=0/i.test(cookie),
      ),
    )
  })
})

describe('object-level authorization (BOLA) across two users', () => {
  it('answers 404 for another user’s plan on every verb, never lists it, and lets admins see all', async (t) => {
    const { app } = await buildTestApp(t)
    const ada = await registerAndLogin(app, email())
    const bob = await registerAndLogin(app, email())
    const plan = await createPlan(app, { title: 'Ada’s secret plan' }, ada.headers)
    assert.equal(plan.owner, ada.userId)

    const asBob = [
      await app.inject({ url: `/api/v1/plans/${plan.id}`, headers: bob.headers }),
      await app.inject({
        method: 'PATCH',
        url: `/api/v1/plans/${plan.id}`,
        headers: { ...bob.headers, 'if-match': '"1"' },
        payload: { title: 'mine now' },
      }),
      await app.inject({
        method: 'DELETE',
        url: `/api/v1/plans/${plan.id}`,
        headers: { ...bob.headers, 'if-match': '"1"' },
      }),
    ]
    for (const response of asBob) {
      const body = assertProblem(response, 404, 'PLAN_NOT_FOUND')
      assert.ok(!JSON.stringify(body).includes('secret plan'))
    }
    const bobList = await app.inject({ url: '/api/v1/plans?q=secret', headers: bob.headers })
    assert.deepEqual(bobList.json().items, [])
    const stillThere = await app.inject({ url: `/api/v1/plans/${plan.id}`, headers: ada.headers })
    assert.equal(stillThere.json().title, 'Ada’s secret plan')

    const adminAddress = email()
    await app.accounts.users.createUser('cli', { email: adminAddress, password: PASSWORD, role: 'admin' })
    const admin = await login(app, adminAddress)
    assert.equal(
      (await app.inject({ url: `/api/v1/plans/${plan.id}`, headers: admin.headers })).statusCode,
      200,
    )
  })

  it('never takes the owner from the body', async (t) => {
    const { app } = await buildTestApp(t)
    const ada = await registerAndLogin(app, email())

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      headers: ada.headers,
      payload: { title: 'x', start_date: '2026-12-01', owner: 'someone-else' },
    })

    assertProblem(response, 422, 'VALIDATION_FAILED')
  })
})
