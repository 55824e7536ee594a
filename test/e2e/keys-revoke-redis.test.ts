// `bulwark keys revoke` with REDIS_URL tells the running servers at once, through the channel their
// invalidation buses listen on, to forget the keys they verified; with a Redis that does not answer it
// still revokes (the database is the record) and says in one stderr line that servers refuse the key
// within the credential cache's TTL instead.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { Redis } from 'ioredis'
import { emptyDatabase } from '../helpers/database.ts'
import { startRedisServer } from '../helpers/redis-server.ts'
import { createTestRedisNamespace } from '../helpers/redis.ts'
import { runBulwark } from '../helpers/server-process.ts'

const SECRET_KEY = 'e2e-keys-revoke-redis-6a2d9c4e1f7b3a05'

async function createKey(env: Record<string, string>): Promise<string> {
  const created = await runBulwark(['keys', 'create', '--name', 'leaving', '--scopes', 'math:read'], env)
  assert.equal(created.code, 0, created.stdout + created.stderr)
  const id = /^id ([0-9a-f-]{36}) /m.exec(created.stdout)?.[1]
  assert.ok(id !== undefined, created.stdout)
  return id
}

describe('bulwark keys revoke and Redis (issue 12)', { timeout: 60_000 }, () => {
  it('publishes the invalidation every running server listens for', async (t) => {
    const [url, namespace] = await Promise.all([emptyDatabase(t), createTestRedisNamespace(t)])
    const env = { NODE_ENV: 'test', DATABASE_URL: url, DB_SSL: 'disable', SECRET_KEY, ...namespace.env }
    const id = await createKey(env)
    const subscriber = new Redis(namespace.url, { lazyConnect: true, maxRetriesPerRequest: 0 })
    t.after(() => subscriber.disconnect())
    await subscriber.connect()
    const messages: unknown[] = []
    subscriber.on('message', (_channel: string, text: string) => messages.push(JSON.parse(text)))
    await subscriber.subscribe(`${namespace.keyPrefix}invalidations`)

    const revoked = await runBulwark(['keys', 'revoke', id], env)

    assert.equal(revoked.code, 0, revoked.stdout + revoked.stderr)
    assert.match(revoked.stdout, /^revoked /)
    assert.equal(revoked.stderr, '')
    for (let waited = 0; messages.length === 0 && waited < 2000; waited += 20) await sleep(20)
    assert.deepEqual(messages, [{ origin: 'cli', cache: 'api-keys' }])
  })

  it('revokes all the same when Redis does not answer, and says what that means in one line', async (t) => {
    const url = await emptyDatabase(t)
    const redis = await startRedisServer(t)
    await redis.stop()
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: url,
      DB_SSL: 'disable',
      SECRET_KEY,
      REDIS_URL: redis.url,
      REDIS_CONNECT_TIMEOUT_MS: '300',
    }
    const id = await createKey({ ...env, REDIS_URL: '' })

    const revoked = await runBulwark(['keys', 'revoke', id], env)

    assert.equal(revoked.code, 0, revoked.stdout + revoked.stderr)
    assert.match(revoked.stdout, /^revoked /)
    const lines = revoked.stderr.trim().split('\n')
    assert.equal(lines.length, 1, revoked.stderr)
    assert.match(
      lines[0] ?? '',
      /^warning: could not tell running servers through Redis \(.+\); they refuse the key within 1000 ms$/,
    )
  })
})
