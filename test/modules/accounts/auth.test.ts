import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { sql } from 'kysely'
import { login, PASSWORD, pastCredentialCache, register, registerAndLogin } from '../../helpers/accounts.ts'
import { buildTestApp } from '../../helpers/build-app.ts'
import { createTestDatabase, TEST_BACKENDS } from '../../helpers/database.ts'
import { assertProblem } from '../../helpers/problem.ts'

for (const backend of TEST_BACKENDS) {
  describe(`accounts and tokens on ${backend}`, () => {
    async function setup(t: TestContext, env: Record<string, string> = {}) {
      const { database } = await createTestDatabase(t, backend)
      return { ...(await buildTestApp(t, env, undefined, database)), database }
    }

    async function auditEvents(database: Awaited<ReturnType<typeof createTestDatabase>>['database']) {
      const rows = await sql<{ event: string; outcome: string; detail: Record<string, unknown> }>`
        select event, outcome, detail from audit_log order by id`.execute(database.db)
      return rows.rows
    }

    it('registers with a normalised email, logs in, and answers /me', async (t) => {
      const { app } = await setup(t)

      await register(app, 'Ada@Example.COM')
      const session = await login(app, 'ada@example.com')
      const me = await app.inject({ url: '/api/v1/auth/me', headers: session.headers })

      assert.equal(me.json().email, 'ada@example.com')
      assert.equal(me.json().role, 'user')
      assert.equal(me.json().mfa_enabled, false)
    })

    it('issues an EdDSA access token with every claim and a kid, and a single-use refresh token', async (t) => {
      const { app } = await setup(t)
      const session = await registerAndLogin(app, 'ada@example.com')

      const [header = { exp: 0, iat: 0 }, payload = { exp: 0, iat: 0 }] = session.accessToken
        .split('.')
        .slice(0, 2)
        .map(
          (part) =>
            JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown> & {
              exp: number
              iat: number
            },
        )
      assert.equal(header.alg, 'EdDSA')
      assert.equal(header.typ, 'at+jwt')
      assert.equal(typeof header.kid, 'string')
      for (const claim of ['iss', 'aud', 'sub', 'exp', 'iat', 'nbf', 'jti', 'scope', 'sid', 'ver']) {
        assert.ok(claim in payload, `claim ${claim}`)
      }
      assert.equal(payload.exp - payload.iat, 900)
      assert.equal(payload.scope, 'math:read plans:read plans:write')
      assert.match(session.refreshToken, /^bkr_[A-Za-z0-9_-]{43}$/)
      const jwks = await app.inject({ url: '/.well-known/jwks.json' })
      assert.equal(jwks.json().keys[0].kid, header.kid)
      assert.equal(jwks.json().keys[0].d, undefined, 'no private part is published')
    })

    it('answers a wrong password and an unknown email the same way (401 LOGIN_FAILED)', async (t) => {
      const { app } = await setup(t)
      await register(app, 'ada@example.com')

      const wrong = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'ada@example.com', password: 'not the password at all' },
      })
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'nobody@example.com', password: 'not the password at all' },
      })

      const a = assertProblem(wrong, 401, 'LOGIN_FAILED')
      const b = assertProblem(unknown, 401, 'LOGIN_FAILED')
      assert.equal(a.detail, b.detail)
      assert.equal(wrong.headers['www-authenticate'], unknown.headers['www-authenticate'])
    })

    it('rotates refresh tokens; reusing an old one revokes the whole session', async (t) => {
      const { app, database } = await setup(t)
      const session = await registerAndLogin(app, 'ada@example.com')
      const refresh = (token: string) =>
        app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: token } })

      const first = await refresh(session.refreshToken)
      assert.equal(first.statusCode, 200, first.body)
      const next = first.json<{ refresh_token: string; access_token: string; session_id: string }>()
      assert.notEqual(next.refresh_token, session.refreshToken)
      assert.equal(next.session_id, session.sessionId)

      assertProblem(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_INVALID')
      assertProblem(await refresh(next.refresh_token), 401, 'REFRESH_TOKEN_INVALID')
      await pastCredentialCache()
      assertProblem(
        await app.inject({
          url: '/api/v1/auth/me',
          headers: { authorization: `Bearer ${next.access_token}` },
        }),
        401,
        'CREDENTIALS_INVALID',
      )
      const events = await auditEvents(database)
      assert.ok(events.some((event) => event.event === 'auth.refresh_token_reused'))
    })

    it('logout revokes the session and deny-lists the access token at once', async (t) => {
      const { app, database } = await setup(t)
      const session = await registerAndLogin(app, 'ada@example.com')

      const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session.headers })

      assert.equal(out.statusCode, 204)
      assertProblem(
        await app.inject({ url: '/api/v1/auth/me', headers: session.headers }),
        401,
        'CREDENTIALS_INVALID',
      )
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: session.refreshToken },
        }),
        401,
        'REFRESH_TOKEN_INVALID',
      )
      const payload = JSON.parse(
        Buffer.from(session.accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
      )
      const denied = await sql<{ jti: string }>`select jti::text as jti from revoked_tokens`.execute(
        database.db,
      )
      assert.deepEqual(
        denied.rows.map((row) => row.jti),
        [payload.jti],
        'revoked by jti, never by a hash of the token',
      )
    })

    it('logout-all and a password change end every session of the account', async (t) => {
      const { app } = await setup(t)
      await register(app, 'ada@example.com')
      const laptop = await login(app, 'ada@example.com')
      const phone = await login(app, 'ada@example.com')

      const sessions = await app.inject({ url: '/api/v1/auth/sessions', headers: laptop.headers })
      assert.equal(sessions.json().items.length, 2)
      assert.equal(
        sessions.json<{ items: { current: boolean }[] }>().items.filter((item) => item.current).length,
        1,
      )

      assert.equal(
        (await app.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: laptop.headers }))
          .statusCode,
        204,
      )
      await pastCredentialCache()
      assertProblem(
        await app.inject({ url: '/api/v1/auth/me', headers: phone.headers }),
        401,
        'CREDENTIALS_INVALID',
      )

      const again = await login(app, 'ada@example.com')
      const other = await login(app, 'ada@example.com')
      const newPassword = 'a different long passphrase'
      const wrongCurrent = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: again.headers,
        payload: { current_password: 'not it, not at all', new_password: newPassword },
      })
      assertProblem(wrongCurrent, 401, 'LOGIN_FAILED')
      const changed = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: again.headers,
        payload: { current_password: PASSWORD, new_password: newPassword },
      })
      assert.equal(changed.statusCode, 204, changed.body)
      await pastCredentialCache()
      assertProblem(
        await app.inject({ url: '/api/v1/auth/me', headers: other.headers }),
        401,
        'CREDENTIALS_INVALID',
      )
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: other.refreshToken },
        }),
        401,
        'REFRESH_TOKEN_INVALID',
      )
      await login(app, 'ada@example.com', newPassword)
    })

    it('ends one session by id; another user cannot see or end it', async (t) => {
      const { app } = await setup(t)
      const ada = await registerAndLogin(app, 'ada@example.com')
      const bob = await registerAndLogin(app, 'bob@example.com')

      assertProblem(
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/auth/sessions/${ada.sessionId}`,
          headers: bob.headers,
        }),
        404,
        'SESSION_NOT_FOUND',
      )
      assertProblem(
        await app.inject({ method: 'DELETE', url: '/api/v1/auth/sessions/not-a-uuid', headers: bob.headers }),
        404,
        'SESSION_NOT_FOUND',
      )
      const ended = await app.inject({
        method: 'DELETE',
        url: `/api/v1/auth/sessions/${ada.sessionId}`,
        headers: ada.headers,
      })
      assert.equal(ended.statusCode, 204)
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: ada.refreshToken },
        }),
        401,
        'REFRESH_TOKEN_INVALID',
      )
    })

    it('refuses short, common and context-specific passwords (NIST 800-63B), naming the field', async (t) => {
      const { app } = await setup(t)
      const attempts = [
        'short',
        'passwordpassword',
        'ada-lovelace-is-my-password',
        'my bulwark password!',
        'aaaaaaaaaaaaaaaaaaa',
      ]

      for (const password of attempts) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/register',
          payload: { email: 'ada-lovelace@example.com', password },
        })
        const body = assertProblem(response, 422, 'PASSWORD_REJECTED')
        assert.equal((body.errors as { pointer: string }[])[0]?.pointer, '/password', password)
      }
    })

    it('follows AUTH_REGISTRATION: closed refuses self-registration; admin mode lets administrators create users', async (t) => {
      const closed = await setup(t, { AUTH_REGISTRATION: 'closed' })
      assertProblem(
        await closed.app.inject({
          method: 'POST',
          url: '/api/v1/auth/register',
          payload: { email: 'a@example.com', password: PASSWORD },
        }),
        403,
        'REGISTRATION_CLOSED',
      )

      const adminMode = await setup(t, { AUTH_REGISTRATION: 'admin' })
      const { key } = await adminMode.app.accounts.apiKeys.create('cli', { name: 'admin', scopes: ['admin'] })
      const created = await adminMode.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${key}` },
        payload: { email: 'op@example.com', password: PASSWORD, role: 'admin' },
      })
      assert.equal(created.statusCode, 201, created.body)
      assert.equal(created.json().role, 'admin')
      assertProblem(
        await adminMode.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          payload: { email: 'x@example.com', password: PASSWORD, role: 'user' },
        }),
        403,
        'PERMISSION_DENIED',
      )
      const operator = await login(adminMode.app, 'op@example.com')
      const everyone = await adminMode.app.inject({ url: '/api/v1/api-keys', headers: operator.headers })
      assert.equal(everyone.statusCode, 200, 'an admin user sees every key')
    })

    it('locks an account out after repeated failures: 429 with Retry-After even with the right password', async (t) => {
      const { app, database } = await setup(t, { AUTH_LOCKOUT_THRESHOLD: '3' })
      await register(app, 'ada@example.com')
      const attempt = (password: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'ada@example.com', password },
        })

      for (let i = 0; i < 3; i++) assertProblem(await attempt('wrong wrong wrong wrong'), 401, 'LOGIN_FAILED')
      const locked = await attempt(PASSWORD)

      assertProblem(locked, 429, 'TOO_MANY_ATTEMPTS')
      assert.equal(locked.headers['retry-after'], '30')
      const events = await auditEvents(database)
      assert.equal(
        events.filter((event) => event.event === 'auth.login' && event.outcome === 'failure').length,
        3,
      )
      assert.ok(events.some((event) => event.event === 'auth.lockout'))
      assert.ok(!JSON.stringify(events).includes('wrong wrong'), 'no password in the audit log')
    })

    it('locks a client IP out across accounts, for its failures only: a right password still logs in', async (t) => {
      const { app } = await setup(t, { AUTH_LOCKOUT_IP_THRESHOLD: '4' })
      await register(app, 'ada@example.com')

      for (let i = 0; i < 4; i++) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: `user${i}@example.com`, password: 'guessing guessing' },
        })
        assertProblem(response, 401, 'LOGIN_FAILED')
      }
      const fifth = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'user9@example.com', password: 'guessing guessing' },
      })

      assertProblem(fifth, 429, 'TOO_MANY_ATTEMPTS')
      // The same client, the right password: one guesser behind a NAT does not lock everyone there out.
      const right = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'ada@example.com', password: PASSWORD },
      })
      assert.equal(right.statusCode, 200, right.body)
    })

    it('upgrades a password hash to the current scrypt cost at the next login', async (t) => {
      const { database } = await createTestDatabase(t, backend)
      const cheap = await buildTestApp(t, { AUTH_SCRYPT_LOG_N: '10' }, undefined, database)
      await register(cheap.app, 'ada@example.com')
      const dearer = await buildTestApp(t, { AUTH_SCRYPT_LOG_N: '11' }, undefined, database)

      await login(dearer.app, 'ada@example.com')

      const row = await sql<{ password_hash: string }>`select password_hash from users`.execute(database.db)
      assert.match(row.rows[0]?.password_hash ?? '', /^\$scrypt\$ln=11,r=8,p=1\$/)
    })
  })
}

describe('password hashing under load', () => {
  it('caps concurrent hashes and answers 503 AUTH_BUSY with Retry-After when the queue is full', async (t) => {
    const { app } = await buildTestApp(t, {
      AUTH_SCRYPT_LOG_N: '14',
      AUTH_HASH_CONCURRENCY: '1',
      AUTH_HASH_QUEUE_MAX: '2',
    })
    const stats: number[] = []
    const logins = Array.from({ length: 8 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: `flood${i}@example.com`, password: 'some long password here' },
      }),
    )
    stats.push(app.accounts.hasher.stats().running)

    const responses = await Promise.all(logins)

    const codes = responses.map((response) => response.statusCode).sort()
    assert.ok(codes.includes(503), `codes: ${codes.join(',')}`)
    const busy = responses.find((response) => response.statusCode === 503)
    assertProblem(busy ?? responses[0]!, 503, 'AUTH_BUSY')
    assert.equal(busy?.headers['retry-after'], '1')
    assert.ok(stats.every((running) => running <= 1))
    const other = await app.inject({ url: '/api/v1/math/fibonacci/10' })
    assert.equal(other.statusCode, 200, 'other routes are served meanwhile')
  })
})
