// API keys as an operator meets them: the first-start banner, `bulwark keys create|list|revoke` against the
// database a running server uses, and revocation reaching that server without a restart.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { emptyDatabase } from '../helpers/database.ts'
import { planInput } from '../helpers/plans.ts'
import { assertProblem } from '../helpers/problem.ts'
import { bearer, runBulwark, startServer, type ServerProcess } from '../helpers/server-process.ts'

/** Shared by the CLI and the server: API key digests are peppered with it, so both must agree. */
const SECRET_KEY = 'e2e-keys-secret-3f9c1a7b5d2e8f4a6c0b9d1e'
const KEY = /^bk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/
const FIRST_KEY_LOG = 'created the first admin API key (printed once on stderr)'

const bulwark = runBulwark

interface Reply {
  statusCode: number
  headers: Record<string, string>
  body: string
}

async function call(
  server: ServerProcess,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  const reply: Reply = {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  }
  return reply
}

describe('bulwark keys against a running server on the same PostgreSQL database', () => {
  it('creates a key that works, lists it, and revokes it so that the server refuses it within 1.5 s', async (t) => {
    const url = await emptyDatabase(t)
    const env = { NODE_ENV: 'test', DATABASE_URL: url, DB_SSL: 'disable', SECRET_KEY }

    const created = await bulwark(
      ['keys', 'create', '--name', 'e2e-client', '--scopes', 'math:read,plans:read,plans:write'],
      env,
    )
    assert.equal(created.code, 0, created.stdout + created.stderr)
    const [key = '', details = ''] = created.stdout.split('\n')
    assert.match(key, KEY)
    const id = /^id ([0-9a-f-]{36}) {2}prefix (\S+) /.exec(details)?.[1]
    assert.ok(id !== undefined, details)
    assert.match(details, /scopes math:read,plans:read,plans:write {2}expires never$/)

    const server = await startServer(t, env)
    const math = await call(server, '/api/v1/math/fibonacci/10', bearer(key))
    const viaHeader = await call(server, '/api/v1/math/fibonacci/10', { 'x-api-key': key })
    const plan = await call(server, '/api/v1/plans', bearer(key), planInput({ title: 'CLI key' }))
    const anonymous = await call(server, '/api/v1/math/fibonacci/10')
    // A key already exists: the server creates no first admin key of its own.
    assert.ok(!server.logs.some((line) => line.message === FIRST_KEY_LOG))

    assert.equal(math.statusCode, 200, math.body)
    assert.equal(viaHeader.statusCode, 200, viaHeader.body)
    assert.equal(plan.statusCode, 201, plan.body)
    assertProblem(anonymous, 401, 'AUTHENTICATION_REQUIRED')

    const listed = await bulwark(['keys', 'list'], env)
    assert.equal(listed.code, 0, listed.stdout + listed.stderr)
    const rows = listed.stdout.split('\n').filter((line) => line.startsWith(id))
    assert.equal(rows.length, 1, listed.stdout)
    assert.match(
      rows[0] ?? '',
      /\s+math:read,plans:read,plans:write\s+active\s+(never|20\d\d-[\d:.TZ-]+)\s+e2e-client$/,
    )
    assert.equal(listed.stdout.split('\n').filter((line) => /^[0-9a-f]{8}-/.test(line)).length, 1)

    const revoked = await bulwark(['keys', 'revoke', id], env)
    const revokedAt = performance.now()
    assert.equal(revoked.code, 0, revoked.stdout + revoked.stderr)
    assert.match(revoked.stdout, /^revoked bk_\S+ \(e2e-client\) at \d{4}-/)
    // The server caches a verified key for at most a second: the revocation reaches it without a restart.
    let refused: Reply | undefined
    while (refused === undefined && performance.now() - revokedAt < 3000) {
      const reply = await call(server, '/api/v1/math/fibonacci/10', bearer(key))
      if (reply.statusCode === 200) await sleep(50)
      else refused = reply
    }
    const elapsedMs = performance.now() - revokedAt

    assert.ok(refused !== undefined, 'the revoked key still worked 3 s after the revocation')
    assertProblem(refused, 401, 'CREDENTIALS_INVALID')
    assert.match(refused.headers['www-authenticate'] ?? '', /^Bearer realm="[^"]*", error="invalid_token"$/)
    assert.ok(elapsedMs < 1500, `the revoked key worked for ${Math.round(elapsedMs)} ms`)
    const after = await bulwark(['keys', 'list'], env)
    assert.match(after.stdout, new RegExp(`^${id} .*\\s+revoked\\s+\\S+\\s+e2e-client$`, 'm'))
    assert.equal(server.child.exitCode, null, 'the server process is still running')
  })
})

describe('the first admin API key outside production', () => {
  it('is created on an empty database and printed once on stderr with a curl that works', async (t) => {
    const server = await startServer(t) // NODE_ENV=test, DATA_DIR=memory://

    const key = await server.adminKey()
    const curl = /curl -H "Authorization: Bearer (bk_\S+)" (http:\/\/\S+)$/m.exec(server.stderr())
    const [, curlKey = '', curlUrl = ''] = curl ?? []
    const tried = await fetch(curlUrl, { headers: { authorization: `Bearer ${curlKey}` } })
    const plans = await call(server, '/api/v1/plans', bearer(key))
    const anonymous = await call(server, '/api/v1/plans')
    const wrong = await call(
      server,
      '/api/v1/plans',
      bearer(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`),
    )

    assert.match(key, KEY)
    assert.ok(curl !== null, server.stderr())
    assert.equal(curlKey, key)
    assert.equal(new URL(curlUrl).port, String(server.port))
    assert.equal(tried.status, 200, await tried.clone().text())
    assert.deepEqual(await tried.json(), { n: 10, value: '55' })
    assert.equal(plans.statusCode, 200, plans.body)
    assertProblem(anonymous, 401, 'AUTHENTICATION_REQUIRED')
    assertProblem(wrong, 401, 'CREDENTIALS_INVALID')
    // The key is never written to the JSON log, only its prefix.
    const logged = server.logs.find((line) => line.message === FIRST_KEY_LOG)
    assert.ok(logged !== undefined)
    assert.ok(key.startsWith(String(logged.prefix)), JSON.stringify(logged))
    assert.ok(!JSON.stringify(server.logs).includes(key))
  })

  it('is not created again when a key exists: a restart on the same DATA_DIR prints no banner', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-keys-'))
    t.after(() => rmSync(dataDir, { recursive: true, force: true }))
    const env = { DATA_DIR: dataDir }

    const first = await startServer(t, env)
    const key = await first.adminKey()
    first.child.kill('SIGTERM')
    assert.equal(await first.exited, 0)
    const second = await startServer(t, env)
    const works = await call(second, '/api/v1/math/fibonacci/10', bearer(key))
    second.child.kill('SIGTERM')
    assert.equal(await second.exited, 0)
    // PGlite allows one process at a time: the CLI reads the keys once the server has stopped.
    const listed = await bulwark(['keys', 'list'], { NODE_ENV: 'test', DATA_DIR: dataDir })

    assert.equal(works.statusCode, 200, works.body)
    assert.ok(!second.logs.some((line) => line.message === FIRST_KEY_LOG))
    assert.doesNotMatch(second.stderr(), /bk_/)
    assert.equal(listed.code, 0, listed.stdout + listed.stderr)
    const rows = listed.stdout.split('\n').filter((line) => /^[0-9a-f]{8}-/.test(line))
    assert.equal(rows.length, 1, listed.stdout)
    assert.match(rows[0] ?? '', /\s+active\s+(never|20\d\d-[\d:.TZ-]+)\s+first-start admin$/)
  })
})
