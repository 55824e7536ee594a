import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  columns,
  createKey,
  createUser,
  listKeys,
  parseExpiry,
  revokeKey,
} from '../../../src/cli/accounts.ts'
import { UsageError } from '../../../src/cli/commands.ts'
import { PASSWORD } from '../../helpers/accounts.ts'
import { buildTestApp, testConfig } from '../../helpers/build-app.ts'
import { createTestDatabase } from '../../helpers/database.ts'

describe('bulwark keys and users (in process)', () => {
  async function setup(t: Parameters<typeof buildTestApp>[0]) {
    const { database, config: db } = await createTestDatabase(t, 'postgres')
    const env = {
      DATABASE_URL: db.url ?? '',
      DB_SSL: 'disable',
      SECRET_KEY: 'k3J9x-Qw8vL2mN5pR7tY1zA4bC6dE0fG_hI-cli',
    }
    const lines: string[] = []
    return { database, env, config: testConfig(env), lines, out: (line: string) => lines.push(line) }
  }

  it('creates, lists and revokes a key that works against a server on the same database', async (t) => {
    const { database, env, config, lines, out } = await setup(t)

    assert.equal(
      await createKey(config, { values: { name: 'ci', scopes: 'math:read', expires: '30d' }, out }),
      0,
    )
    const key = lines[0] ?? ''
    assert.match(key, /^bk_[0-9a-f]{16}_/)
    const { anonymous } = await buildTestApp(t, env, undefined, database)
    const call = () => anonymous({ url: '/api/v1/math/fibonacci/5', headers: { 'x-api-key': key } })
    assert.equal((await call()).statusCode, 200)

    lines.length = 0
    assert.equal(await listKeys(config, out), 0)
    assert.match(lines[0] ?? '', /^id +prefix +scopes +state +last_used_at +name$/)
    const listed = lines.find((line) => line.includes(key.slice(0, 19)))
    // last_used_at is written at most once a minute per key, so the use just now may not be there yet.
    assert.match(listed ?? '', / active +(never|20\d\d-\d\d-\d\dT[\d:.]+Z) +ci$/)
    assert.equal(await revokeKey(config, key.slice(0, 19), out), 0)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    assert.equal((await call()).statusCode, 401)
  })

  it('refuses unknown scopes and missing options with usage (exit 2)', async (t) => {
    const { config, lines, out } = await setup(t)

    await assert.rejects(createKey(config, { values: { name: 'x', scopes: 'root' }, out }), UsageError)
    await assert.rejects(createKey(config, { values: { name: 'x', scopes: ' , ' }, out }), /names no scope/)
    assert.equal(await revokeKey(config, 'bk_0000000000000000', out), 1)
    assert.match(lines.at(-1) ?? '', /^error: [A-Z_]+: /)
  })

  it('creates a user with a role; the policy still applies', async (t) => {
    const { config, lines, out } = await setup(t)

    assert.equal(
      await createUser(
        config,
        { values: { email: 'Op@Example.com', role: 'admin' }, out },
        async () => PASSWORD,
      ),
      0,
    )
    assert.match(lines[0] ?? '', /^created admin op@example\.com/)
    assert.equal(
      await createUser(
        config,
        { values: { email: 'x@example.com', role: 'user' }, out },
        async () => 'short',
      ),
      1,
    )
    assert.match(lines[1] ?? '', /PASSWORD_REJECTED/)
    await assert.rejects(
      createUser(config, { values: { email: 'x@example.com', role: 'root' }, out }, async () => PASSWORD),
      /--role must be user or admin/,
    )
  })

  it('aligns columns whatever the width of a cell', () => {
    assert.deepEqual(
      columns([
        ['id', 'scopes', 'name'],
        ['1', 'math:read,plans:read,plans:write,admin', 'wide'],
        ['22', 'admin', 'x'],
      ]),
      [
        'id  scopes                                  name',
        '1   math:read,plans:read,plans:write,admin  wide',
        '22  admin                                   x',
      ],
    )
  })

  it('reads --expires as a date or a number of days', () => {
    assert.equal(parseExpiry('2027-01-31T00:00:00Z'), '2027-01-31T00:00:00.000Z')
    assert.equal(parseExpiry('2d', 0), new Date(2 * 86_400_000).toISOString())
    assert.equal(parseExpiry(undefined), undefined)
    assert.throws(() => parseExpiry('soon'), /neither a date/)
  })
})
