import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it, type TestContext } from 'node:test'
import { sql } from 'kysely'
import { pastCredentialCache, registerAndLogin } from '../../helpers/accounts.ts'
import { buildTestApp } from '../../helpers/build-app.ts'
import { createTestDatabase, TEST_BACKENDS } from '../../helpers/database.ts'
import { assertProblem } from '../../helpers/problem.ts'

for (const backend of TEST_BACKENDS) {
  describe(`API keys on ${backend}`, () => {
    async function setup(t: TestContext, env: Record<string, string> = {}) {
      const { database } = await createTestDatabase(t, backend)
      const built = await buildTestApp(t, env, undefined, database)
      const admin = await built.app.accounts.apiKeys.create('cli', { name: 'admin', scopes: ['admin'] })
      return { ...built, database, admin: { authorization: `Bearer ${admin.key}` } }
    }

    it('issues a bk_ key once, stores only an HMAC of its secret, and the key works', async (t) => {
      const { app, anonymous, database, admin } = await setup(t)

      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: admin,
        payload: { name: 'billing', scopes: ['math:read'] },
      })

      assert.equal(created.statusCode, 201, created.body)
      assert.equal(created.headers['cache-control'], 'no-store')
      const { key, api_key: view } = created.json<{
        key: string
        api_key: { id: string; prefix: string; scopes: string[]; revoked_at: string | null }
      }>()
      assert.match(key, /^bk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
      assert.equal(view.prefix, key.slice(0, 19))
      assert.deepEqual(view.scopes, ['math:read'])
      assert.equal(view.revoked_at, null)
      assert.ok(!JSON.stringify(view).includes(key.slice(20)), 'the secret is not in the key record')
      const rows = await sql<{
        secret_digest: string
      }>`select secret_digest from api_keys where id = ${view.id}`.execute(database.db)
      const digest = rows.rows[0]?.secret_digest ?? ''
      assert.ok(digest.length > 20 && !digest.includes(key.slice(20)), 'only a digest is stored')
      const use = await anonymous({ url: '/api/v1/math/fibonacci/7', headers: { 'x-api-key': key } })
      assert.equal(use.statusCode, 200)
      const listed = await app.inject({ url: '/api/v1/api-keys', headers: admin })
      assert.ok(!listed.body.includes(key.slice(20)), 'lists never show the secret')
    })

    it('refuses a wrong secret for a known public id', async (t) => {
      const { app, anonymous } = await setup(t)
      const { key } = await app.accounts.apiKeys.create('cli', { name: 'k', scopes: ['math:read'] })
      const wrong = `${key.slice(0, 20)}${key.at(20) === 'A' ? 'B' : 'A'}${key.slice(21)}`

      assertProblem(
        await anonymous({ url: '/api/v1/math/fibonacci/7', headers: { 'x-api-key': wrong } }),
        401,
        'CREDENTIALS_INVALID',
      )
    })

    // Not a speed target: the two ways a guess can fail must cost the same, or the time tells an attacker
    // which public ids exist (and were used recently). docs/SECURITY.md promises this.
    it('takes the same time for an unknown public id and a wrong secret on a recently used one (issue 8)', async (t) => {
      const { app } = await setup(t)
      const { apiKeys } = app.accounts
      const { key } = await apiKeys.create('cli', { name: 'timed', scopes: ['math:read'] })
      const knownId = key.slice(3, 19)
      const randomHex = (length: number) => randomBytes(length / 2).toString('hex')
      const secret = () => randomBytes(32).toString('base64url')
      const timed = async (candidate: string) => {
        const started = process.hrtime.bigint()
        const principal = await apiKeys.verify(candidate)
        const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6
        assert.equal(principal, undefined)
        return elapsedMs
      }
      const unknown: number[] = []
      const wrongSecret: number[] = []

      for (let i = 0; i < 330; i++) {
        // The right key first, as its owner would: the id is now "recently used".
        assert.notEqual(await apiKeys.verify(key), undefined)
        const pair = [
          () => timed(`bk_${randomHex(16)}_${secret()}`).then((ms) => unknown.push(ms)),
          () => timed(`bk_${knownId}_${secret()}`).then((ms) => wrongSecret.push(ms)),
        ]
        if (i % 2 === 1) pair.reverse()
        for (const attempt of pair) await attempt()
      }

      // The first attempts warm up the JIT and the connection pool.
      const unknownMs = median(unknown.slice(30))
      const wrongSecretMs = median(wrongSecret.slice(30))
      t.diagnostic(
        `median unknown id ${unknownMs.toFixed(3)} ms, wrong secret ${wrongSecretMs.toFixed(3)} ms`,
      )
      const toleranceMs = Math.max(0.15, 0.25 * Math.max(unknownMs, wrongSecretMs))
      assert.ok(
        Math.abs(unknownMs - wrongSecretMs) <= toleranceMs,
        `unknown id ${unknownMs.toFixed(3)} ms vs wrong secret ${wrongSecretMs.toFixed(3)} ms`,
      )
    })

    it('rotates with overlap: old and new keys both work until the old one is revoked, then it fails within a second', async (t) => {
      const { app, anonymous, admin } = await setup(t)
      const issue = async () =>
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/api-keys',
            headers: admin,
            payload: { name: 'worker', scopes: ['math:read'] },
          })
        ).json<{ key: string; api_key: { id: string } }>()
      const old = await issue()
      const fresh = await issue()
      const call = (key: string) =>
        anonymous({ url: '/api/v1/math/fibonacci/7', headers: { authorization: `Bearer ${key}` } })
      assert.equal((await call(old.key)).statusCode, 200)
      assert.equal((await call(fresh.key)).statusCode, 200)

      const revoked = await app.inject({
        method: 'DELETE',
        url: `/api/v1/api-keys/${old.api_key.id}`,
        headers: admin,
      })
      assert.equal(revoked.statusCode, 200)
      assert.ok(revoked.json().revoked_at !== null)
      await pastCredentialCache()

      assertProblem(await call(old.key), 401, 'CREDENTIALS_INVALID')
      assert.equal((await call(fresh.key)).statusCode, 200)
      const again = await app.inject({
        method: 'DELETE',
        url: `/api/v1/api-keys/${old.api_key.id}`,
        headers: admin,
      })
      assert.equal(again.statusCode, 200, 'revoking twice is not an error')
    })

    it('stops a key another instance revoked within a second (the cache is the only delay)', async (t) => {
      const { app, anonymous, database } = await setup(t)
      const { key, apiKey } = await app.accounts.apiKeys.create('cli', { name: 'k', scopes: ['math:read'] })
      assert.equal(
        (await anonymous({ url: '/api/v1/math/fibonacci/7', headers: { 'x-api-key': key } })).statusCode,
        200,
      )

      // Another instance revokes the key straight in the shared database; this app's cache still holds it.
      await sql`update api_keys set revoked_at = now() where id = ${apiKey.id}`.execute(database.db)
      const started = Date.now()
      let status = 200
      while (status === 200 && Date.now() - started < 3000) {
        status = (await anonymous({ url: '/api/v1/math/fibonacci/7', headers: { 'x-api-key': key } }))
          .statusCode
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50))
      }

      assert.equal(status, 401)
      assert.ok(Date.now() - started <= 1200, `stopped after ${Date.now() - started} ms`)
    })

    it('refuses a key whose expiry passed while its verification is cached', async (t) => {
      const { app, anonymous } = await setup(t)
      const expiresAt = Date.now() + 700
      const { key } = await app.accounts.apiKeys.create('cli', {
        name: 'expiring',
        scopes: ['math:read'],
        expires_at: new Date(expiresAt).toISOString(),
      })
      const request = { url: '/api/v1/math/fibonacci/7', headers: { 'x-api-key': key } }
      assert.equal((await anonymous(request)).statusCode, 200)

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 50 - Date.now())))

      assertProblem(await anonymous(request), 401, 'CREDENTIALS_INVALID')
    })

    it('refuses an expired key, and an expiry in the past at creation', async (t) => {
      const { app, anonymous, database, admin } = await setup(t)
      const { key, apiKey } = await app.accounts.apiKeys.create('cli', {
        name: 'short',
        scopes: ['math:read'],
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      })
      await sql`update api_keys set expires_at = now() - interval '1 second' where id = ${apiKey.id}`.execute(
        database.db,
      )
      await pastCredentialCache()

      assertProblem(
        await anonymous({ url: '/api/v1/math/fibonacci/7', headers: { 'x-api-key': key } }),
        401,
        'CREDENTIALS_INVALID',
      )
      const past = await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: admin,
        payload: { name: 'p', scopes: ['math:read'], expires_at: '2020-01-01T00:00:00Z' },
      })
      assertProblem(past, 422, 'VALIDATION_FAILED')
    })

    it('records last use without a write per request', async (t) => {
      const { app, anonymous, database } = await setup(t)
      const { key, apiKey } = await app.accounts.apiKeys.create('cli', { name: 'k', scopes: ['math:read'] })
      for (let i = 0; i < 5; i++)
        await anonymous({ url: '/api/v1/math/fibonacci/7', headers: { 'x-api-key': key } })
      const before = await sql<{
        last_used_at: Date | null
      }>`select last_used_at from api_keys where id = ${apiKey.id}`.execute(database.db)

      await app.accounts.apiKeys.flushLastUsed()

      const after = await sql<{
        last_used_at: Date | null
      }>`select last_used_at from api_keys where id = ${apiKey.id}`.execute(database.db)
      assert.equal(before.rows[0]?.last_used_at, null, 'not written on each request')
      assert.ok(after.rows[0]?.last_used_at instanceof Date)
    })

    it('lets users manage only their own keys, with at most their own scopes; admins see every key', async (t) => {
      const { app, admin } = await setup(t)
      const ada = await registerAndLogin(app, 'ada@example.com')
      const bob = await registerAndLogin(app, 'bob@example.com')

      const own = await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: ada.headers,
        payload: { name: 'ada-cli', scopes: ['plans:read'] },
      })
      const escalate = await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: ada.headers,
        payload: { name: 'root', scopes: ['admin'] },
      })
      const foreignOwner = await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: ada.headers,
        payload: { name: 'x', scopes: ['plans:read'], owner_id: bob.userId },
      })

      assert.equal(own.statusCode, 201, own.body)
      assert.equal(own.json().api_key.owner_id, ada.userId, 'a user key acts as the user')
      assertProblem(escalate, 403, 'PERMISSION_DENIED')
      assertProblem(foreignOwner, 403, 'PERMISSION_DENIED')
      const keyId = own.json().api_key.id as string
      const bobList = await app.inject({ url: '/api/v1/api-keys', headers: bob.headers })
      assert.deepEqual(bobList.json().items, [])
      assertProblem(
        await app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${keyId}`, headers: bob.headers }),
        404,
        'API_KEY_NOT_FOUND',
      )
      const adminList = await app.inject({ url: '/api/v1/api-keys', headers: admin })
      assert.ok(adminList.json<{ items: { id: string }[] }>().items.some((item) => item.id === keyId))
      const adaRevokes = await app.inject({
        method: 'DELETE',
        url: `/api/v1/api-keys/${keyId}`,
        headers: ada.headers,
      })
      assert.equal(adaRevokes.statusCode, 200)
    })

    it('does not let a non-admin API key manage keys', async (t) => {
      const { app } = await setup(t)

      const list = await app.inject({ url: '/api/v1/api-keys' })
      const create = await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        payload: { name: 'x', scopes: ['math:read'] },
      })

      assertProblem(list, 403, 'PERMISSION_DENIED')
      assertProblem(create, 403, 'PERMISSION_DENIED')
    })

    it('pages through keys newest first and refuses a forged cursor', async (t) => {
      const { app, admin } = await setup(t)
      for (let i = 0; i < 5; i++)
        await app.accounts.apiKeys.create('cli', { name: `k${i}`, scopes: ['math:read'] })

      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page: { statusCode: number; body: string; json(): unknown } = await app.inject({
          url: `/api/v1/api-keys?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
          headers: admin,
        })
        assert.equal(page.statusCode, 200, page.body)
        const body = page.json() as { items: { id: string }[]; next_cursor: string | null }
        seen.push(...body.items.map((item) => item.id))
        cursor = body.next_cursor
      } while (cursor !== null)

      assert.equal(new Set(seen).size, seen.length)
      assert.ok(seen.length >= 7, `saw ${seen.length} keys`)
      assertProblem(
        await app.inject({ url: '/api/v1/api-keys?cursor=bm9wZQ', headers: admin }),
        422,
        'VALIDATION_FAILED',
      )
    })

    it('writes api_key.created and api_key.revoked to the audit log, without the key', async (t) => {
      const { app, database } = await setup(t)
      const { key, apiKey } = await app.accounts.apiKeys.create('cli', {
        name: 'audited',
        scopes: ['math:read'],
      })
      await app.accounts.apiKeys.revoke('cli', apiKey.prefix)

      const rows = await sql<{ event: string; subject: string; detail: unknown }>`
        select event, subject, detail from audit_log where subject = ${apiKey.id} order by id`.execute(
        database.db,
      )

      assert.deepEqual(
        rows.rows.map((row) => row.event),
        ['api_key.created', 'api_key.revoked'],
      )
      assert.ok(!JSON.stringify(rows.rows).includes(key.slice(20)))
    })
  })
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
