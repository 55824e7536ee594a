import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { describeConfig, loadConfig } from '../../../src/platform/config/loader.ts'

const PASSWORD = 'Sup3rS3cretRedisPassw0rd'

function problemsOf(env: Record<string, string>): string[] {
  const result = loadConfig({ NODE_ENV: 'test', ...env })
  return result.ok ? [] : result.problems
}

describe('the redis configuration group', () => {
  it('leaves Redis off by default, with the documented prefix and timeouts', () => {
    const result = loadConfig({ NODE_ENV: 'production' })
    const development = loadConfig({})

    assert.ok(development.ok)
    assert.deepEqual(development.config.redis, {
      url: undefined,
      keyPrefix: 'bulwark:',
      commandTimeoutMs: 250,
      connectTimeoutMs: 2000,
    })
    // Redis is optional in production too: its absence is no refusal.
    assert.ok(result.ok || !result.problems.some((problem) => problem.startsWith('REDIS')))
  })

  it('accepts redis:// and rediss:// URLs, with a password and a database number', () => {
    for (const url of [
      'redis://127.0.0.1:6379',
      `redis://:${PASSWORD}@cache.internal:6379/2`,
      `rediss://app:${PASSWORD}@cache.internal:6380/`,
    ]) {
      const result = loadConfig({ NODE_ENV: 'test', REDIS_URL: url })

      assert.ok(result.ok, url)
      assert.equal(result.config.redis.url, url)
    }
  })

  it('refuses other schemes and paths without quoting the URL, which may hold a password', () => {
    const cases = [
      [`http://:${PASSWORD}@cache.internal:6379`, 'REDIS_URL: must be a redis:// or rediss:// URL'],
      [`redis://:${PASSWORD}@cache.internal:6379/cache`, 'REDIS_URL: the path may only be a database number'],
      ['not a url', 'REDIS_URL: must be a redis:// or rediss:// URL'],
    ] as const
    for (const [url, expected] of cases) {
      const problems = problemsOf({ REDIS_URL: url })

      assert.equal(problems.length, 1, url)
      assert.ok(problems[0]?.startsWith(expected), problems[0])
      assert.ok(!problems[0]?.includes(PASSWORD))
    }
  })

  it('reads REDIS_URL from REDIS_URL_FILE and redacts it in config check', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bulwark-redis-')), 'redis-url')
    writeFileSync(file, `redis://:${PASSWORD}@127.0.0.1:6379/1\n`)

    const result = loadConfig({ NODE_ENV: 'test', REDIS_URL_FILE: file })
    const fromFile = describeConfig({ REDIS_URL_FILE: file })
    const direct = describeConfig({ REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:6379` })

    assert.ok(result.ok)
    assert.equal(result.config.redis.url, `redis://:${PASSWORD}@127.0.0.1:6379/1`)
    assert.ok(fromFile.includes('REDIS_URL=[redacted]  (from REDIS_URL_FILE, environment)'))
    assert.ok(direct.includes('REDIS_URL=[redacted]  (environment)'))
    assert.ok(![...fromFile, ...direct].some((line) => line.includes(PASSWORD)))
  })

  it('bounds the timeouts and keeps the command timeout under the handler deadline', () => {
    assert.match(problemsOf({ REDIS_COMMAND_TIMEOUT_MS: '0' })[0] ?? '', /^REDIS_COMMAND_TIMEOUT_MS: must be/)
    assert.match(
      problemsOf({ REDIS_CONNECT_TIMEOUT_MS: '10' })[0] ?? '',
      /^REDIS_CONNECT_TIMEOUT_MS: must be/,
    )
    assert.deepEqual(
      problemsOf({
        REDIS_COMMAND_TIMEOUT_MS: '2000',
        HANDLER_TIMEOUT_MS: '1000',
        DB_CONNECT_TIMEOUT_MS: '500',
      }).map((problem) => problem.split(',', 1)[0]),
      ['REDIS_COMMAND_TIMEOUT_MS: must be shorter than HANDLER_TIMEOUT_MS'],
    )
  })

  it('refuses a key prefix with spaces or other characters unsafe in keys and logs', () => {
    assert.deepEqual(problemsOf({ REDIS_KEY_PREFIX: 'svc-a:{tenant}:' }), [])
    assert.match(problemsOf({ REDIS_KEY_PREFIX: 'my app' })[0] ?? '', /^REDIS_KEY_PREFIX: does not match/)
  })

  it('warns of a misspelt REDIS_ name', () => {
    const result = loadConfig({ NODE_ENV: 'test', REDIS_URI: 'redis://127.0.0.1' })

    assert.ok(result.warnings.some((warning) => warning.startsWith('REDIS_URI: not a Bulwark setting')))
  })
})
