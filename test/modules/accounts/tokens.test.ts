import assert from 'node:assert/strict'
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, it, type TestContext } from 'node:test'
import { SignJWT, calculateJwkThumbprint, type JWK } from 'jose'
import { registerAndLogin } from '../../helpers/accounts.ts'
import { buildTestApp, TEST_SIGNING_KEY_FILE } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'
import { generateSigningKeyFile } from '../../helpers/signing-keys.ts'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const P256_FILE = generateSigningKeyFile('p256')

/** The negative JWT suite: every token below must answer 401 CREDENTIALS_INVALID. */
describe('access token verification', () => {
  async function setup(t: TestContext, env: Record<string, string> = {}) {
    const built = await buildTestApp(t, { AUTH_JWT_SIGNING_KEY_FILE: TEST_SIGNING_KEY_FILE, ...env })
    const session = await registerAndLogin(built.app, `u${randomUUID()}@example.com`)
    const [headerPart, payloadPart] = session.accessToken.split('.')
    const header = JSON.parse(Buffer.from(headerPart ?? '', 'base64url').toString('utf8'))
    const claims = JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString('utf8'))
    const key = createPrivateKey(readFileSync(TEST_SIGNING_KEY_FILE, 'utf8'))
    /** A token signed with the real key and the given claims and header changes. */
    const forge = (
      changes: Record<string, unknown>,
      headerChanges: Record<string, unknown> = {},
      signingKey = key,
    ) =>
      new SignJWT({ ...claims, ...changes })
        .setProtectedHeader({ ...header, ...headerChanges })
        .sign(signingKey)
    const call = (token: string) =>
      built.anonymous({ url: '/api/v1/math/fibonacci/5', headers: { authorization: `Bearer ${token}` } })
    return { ...built, session, claims, header, forge, call }
  }

  function expectInvalid(
    response: Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['call']>>,
    label: string,
  ) {
    assert.equal(response.statusCode, 401, `${label}: ${response.body}`)
    assert.equal(response.json().error_code, 'CREDENTIALS_INVALID', label)
  }

  it('accepts the genuine token and a token re-signed unchanged (the forge works)', async (t) => {
    const { session, forge, call } = await setup(t)

    assert.equal((await call(session.accessToken)).statusCode, 200)
    assert.equal((await call(await forge({}))).statusCode, 200)
  })

  it('rejects alg none, a wrong key, HS256 keyed with the public key, and an unknown kid', async (t) => {
    const { session, header, forge, call } = await setup(t)
    const [, payloadPart] = session.accessToken.split('.')
    const none = `${Buffer.from(JSON.stringify({ ...header, alg: 'none' })).toString('base64url')}.${payloadPart}.`
    const otherKey = generateKeyPairSync('ed25519').privateKey
    const publicPem = createPublicKey(readFileSync(TEST_SIGNING_KEY_FILE, 'utf8')).export({
      format: 'pem',
      type: 'spki',
    })
    const confused = await new SignJWT(
      JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString('utf8')),
    )
      .setProtectedHeader({ ...header, alg: 'HS256' })
      .sign(Buffer.from(publicPem))

    expectInvalid(await call(none), 'alg none')
    expectInvalid(await call(await forge({}, {}, otherKey)), 'wrong key')
    expectInvalid(await call(confused), 'HS256 with the public key as secret')
    expectInvalid(await call(await forge({}, { kid: 'unknown-kid' })), 'unknown kid')
    expectInvalid(await call(await forge({}, { kid: undefined })), 'no kid')
    expectInvalid(await call(await forge({}, { typ: 'JWT' })), 'wrong typ')
  })

  it('rejects expired, not-yet-valid, wrong audience, wrong issuer and missing claims', async (t) => {
    const { claims, forge, call } = await setup(t)
    const now = Math.floor(Date.now() / 1000)

    expectInvalid(await call(await forge({ exp: now - 120, iat: now - 1000, nbf: now - 1000 })), 'expired')
    expectInvalid(await call(await forge({ nbf: now + 300 })), 'future nbf')
    expectInvalid(await call(await forge({ aud: 'someone-else' })), 'wrong aud')
    expectInvalid(await call(await forge({ iss: 'evil' })), 'wrong iss')
    for (const claim of ['exp', 'jti', 'sub', 'sid', 'ver', 'scope', 'nbf', 'iat']) {
      expectInvalid(await call(await forge({ [claim]: undefined })), `missing ${claim}`)
    }
    expectInvalid(await call(await forge({ scope: `${String(claims.scope)} superpower` })), 'unknown scope')
  })

  it('answers 401, not 500, to a correctly signed token whose sub, sid or jti is not a UUID (issue 8)', async (t) => {
    const { forge, call } = await setup(t)

    for (const claim of ['sub', 'sid', 'jti']) {
      for (const value of ['not-a-uuid', '', "1' or '1'='1", '00000000-0000-0000-0000-00000000000g']) {
        // A fresh jti each time: the per-jti state cache must not answer for a token it has not seen.
        const token = await forge({ jti: randomUUID(), [claim]: value })
        expectInvalid(await call(token), `${claim} ${JSON.stringify(value)}`)
      }
    }
  })

  it('tolerates small clock skew (AUTH_CLOCK_SKEW_S) on exp and nbf', async (t) => {
    const { forge, call } = await setup(t)
    const now = Math.floor(Date.now() / 1000)

    assert.equal((await call(await forge({ exp: now - 10 }))).statusCode, 200)
    assert.equal((await call(await forge({ nbf: now + 10 }))).statusCode, 200)
  })

  it('rejects a tampered payload and a token whose user gets more scopes than their role allows', async (t) => {
    const { session, forge, call } = await setup(t)
    const [headerPart, payloadPart, signature] = session.accessToken.split('.')
    const payload = JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString('utf8'))
    const tampered = `${headerPart}.${Buffer.from(JSON.stringify({ ...payload, scope: 'admin' })).toString('base64url')}.${signature}`

    expectInvalid(await call(tampered), 'tampered payload')
    const escalated = await forge({ scope: 'math:read admin' })
    const keys = await call(escalated)
    assert.equal(keys.statusCode, 200, 'still a valid token for math:read')
  })

  it('keeps verifying tokens of the previous key after a rotation, and publishes both keys', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-jwt-'))
    const previous = join(dir, 'previous.pem')
    writeFileSync(previous, readFileSync(TEST_SIGNING_KEY_FILE, 'utf8'))
    const before = await setup(t)
    const rotated = await buildTestApp(t, {
      AUTH_JWT_SIGNING_KEY_FILE: P256_FILE,
      AUTH_JWT_PREVIOUS_KEYS_FILE: previous,
    })

    // Same database, new key: the old token (Ed25519) still verifies, a new login is signed with ES256.
    const old = await rotated.anonymous({
      url: '/api/v1/math/fibonacci/5',
      headers: { authorization: `Bearer ${before.session.accessToken}` },
    })
    const fresh = await registerAndLogin(rotated.app, `r${randomUUID()}@example.com`)
    const jwks = (await rotated.anonymous({ url: '/.well-known/jwks.json' })).json<{ keys: JWK[] }>()

    assert.equal(old.statusCode, 200, old.body)
    assert.equal(
      JSON.parse(Buffer.from(fresh.accessToken.split('.')[0] ?? '', 'base64url').toString()).alg,
      'ES256',
    )
    assert.deepEqual(jwks.keys.map((key) => key.alg).sort(), ['ES256', 'EdDSA'])
    for (const key of jwks.keys) assert.equal(key.kid, await calculateJwkThumbprint(key, 'sha256'))
    const withoutPrevious = await buildTestApp(t, { AUTH_JWT_SIGNING_KEY_FILE: P256_FILE })
    assertProblem(
      await withoutPrevious.anonymous({
        url: '/api/v1/math/fibonacci/5',
        headers: { authorization: `Bearer ${before.session.accessToken}` },
      }),
      401,
      'CREDENTIALS_INVALID',
    )
  })
})
