// The bulwark CLI as a user runs it: config check, refusals at start, healthcheck.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { isolatedEnv, MAIN, startServer } from '../helpers/server-process.ts'

function bulwark(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    env: isolatedEnv(env),
    encoding: 'utf8',
    timeout: 15_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const INSECURE_PRODUCTION = {
  NODE_ENV: 'production',
  SECRET_KEY: 'changeme',
  CORS_ORIGINS: '*',
  LOG_FORMAT: 'pretty',
  TRUST_PROXY: '0.0.0.0/0',
  DOCS_ENABLED: 'true',
  DATABASE_URL: 'postgres://app@db.internal/app',
}

describe('bulwark config check', () => {
  it('prints the effective configuration with secrets redacted and exits 0', () => {
    const result = bulwark(['config', 'check'], { SECRET_KEY: 'a-very-secret-value-nobody-may-see-1234' })

    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /^SECRET_KEY=\[redacted\]$/m)
    assert.match(result.stdout, /^PORT=3000 {2}\(default\)$/m)
    assert.ok(!result.stdout.includes('a-very-secret-value'))
    assert.match(result.stdout, /configuration OK/)
  })

  it('lists every production problem and exits 78', () => {
    const result = bulwark(['config', 'check'], INSECURE_PRODUCTION)

    assert.equal(result.code, 78)
    for (const name of ['SECRET_KEY', 'CORS_ORIGINS', 'LOG_FORMAT', 'TRUST_PROXY', 'DOCS_ENABLED']) {
      assert.match(result.stdout, new RegExp(`- ${name}: `))
    }
    assert.ok(!result.stdout.includes('changeme'))
  })
})

describe('bulwark serve', () => {
  it('refuses to start in production on insecure settings, listing each with its reason', () => {
    const result = bulwark(['serve'], INSECURE_PRODUCTION)

    assert.equal(result.code, 78)
    assert.match(result.stderr, /6 problem\(s\)/)
    assert.match(result.stderr, /CORS_ORIGINS: "\*" lets any web site/)
  })
})

describe('bulwark healthcheck', () => {
  it('exits 0 against a ready instance', async (t) => {
    const server = await startServer(t)

    const result = bulwark(['healthcheck'], { NODE_ENV: 'test', PORT: String(server.port) })

    assert.equal(result.code, 0, result.stdout)
  })

  it('exits 1 when nothing answers', () => {
    const result = bulwark(['healthcheck'], { NODE_ENV: 'test', PORT: '1' })

    assert.equal(result.code, 1)
  })
})

describe('bulwark with an unknown command', () => {
  it('prints the usage and exits 2', () => {
    const result = bulwark(['launch'])

    assert.equal(result.code, 2)
    assert.match(result.stderr, /Usage: bulwark/)
  })
})
