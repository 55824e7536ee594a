import assert from 'node:assert/strict'
import { createPublicKey } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { renderEnvExample } from '../../../src/platform/config/env-example.ts'
import { describeConfig, loadConfig } from '../../../src/platform/config/loader.ts'
import { readEnvironment, readSourcedEnvironment } from '../../../src/platform/config/environment.ts'
import { VARIABLES } from '../../../src/platform/config/schema.ts'
import { TEST_SIGNING_KEY_FILE } from '../../helpers/build-app.ts'
import { PUBLISHED_KEY_FILES } from '../../helpers/signing-keys.ts'

const SECRET = 'k3J9x-Qw8vL2mN5pR7tY1zA4bC6dE0fG_hI'
const PRODUCTION = {
  NODE_ENV: 'production',
  SECRET_KEY: SECRET,
  DATABASE_URL: 'postgres://app@db.internal/app',
  AUTH_JWT_SIGNING_KEY_FILE: TEST_SIGNING_KEY_FILE,
}

function problemsOf(env: Record<string, string>): string[] {
  const result = loadConfig(env)
  return result.ok ? [] : result.problems
}

describe('loadConfig', () => {
  it('starts with no variables at all, using the development defaults', () => {
    const result = loadConfig({})

    assert.ok(result.ok)
    assert.equal(result.config.env, 'development')
    assert.equal(result.config.server.port, 3000)
    assert.equal(result.config.log.format, 'pretty')
    assert.equal(result.config.docs.enabled, true)
    assert.ok(result.config.security.secretKey.length >= 32, 'a random development secret is generated')
    // Not a warning at every start: the notice comes once, when DATA_DIR/secret-key is created (serve).
    assert.equal(result.config.security.secretKeyGenerated, true)
    assert.deepEqual(result.warnings, [])
  })

  it('picks production defaults from NODE_ENV alone', () => {
    const result = loadConfig(PRODUCTION)

    assert.ok(result.ok, JSON.stringify(result))
    assert.equal(result.config.server.host, '0.0.0.0')
    assert.equal(result.config.log.format, 'json')
    assert.equal(result.config.docs.enabled, false)
    assert.equal(result.config.security.hsts, true)
    assert.equal(result.config.server.exposeInternalErrors, false)
  })

  it('returns a frozen configuration', () => {
    const result = loadConfig({})

    assert.ok(result.ok)
    assert.ok(Object.isFrozen(result.config))
    assert.ok(Object.isFrozen(result.config.server))
  })

  it('reports every invalid value at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DOCS_ENABLED: 'maybe',
      NODE_ENV: 'staging',
    })

    assert.equal(problems.length, 4)
    assert.ok(problems.some((problem) => problem.startsWith('PORT:')))
    assert.ok(problems.some((problem) => problem.startsWith('LOG_LEVEL:')))
    assert.ok(problems.some((problem) => problem.startsWith('DOCS_ENABLED:')))
    assert.ok(problems.some((problem) => problem.startsWith('NODE_ENV:')))
  })

  it('rejects integers out of range and non-integers', () => {
    assert.equal(problemsOf({ PORT: '70000' }).length, 1)
    assert.equal(problemsOf({ PORT: '3.5' }).length, 1)
    assert.equal(problemsOf({ BODY_LIMIT_BYTES: '-1' }).length, 1)
  })

  it('rejects a pool minimum above its maximum, a connect timeout not below the handler deadline, and a non-PostgreSQL URL', () => {
    const problems = problemsOf({
      DB_POOL_MIN: '5',
      DB_POOL_MAX: '2',
      DB_CONNECT_TIMEOUT_MS: '10000',
      DATABASE_URL: 'mysql://x',
    })

    assert.deepEqual(
      problems.map((problem) => problem.split(':', 1)[0]),
      ['DB_POOL_MIN', 'DB_CONNECT_TIMEOUT_MS', 'DATABASE_URL'],
    )
  })

  it('defaults to verify-full TLS for PostgreSQL in production and allows an explicit disable', () => {
    const strict = loadConfig(PRODUCTION)
    const relaxed = loadConfig({ ...PRODUCTION, DB_SSL: 'disable' })

    assert.ok(strict.ok && relaxed.ok)
    assert.equal(strict.config.db.ssl, 'verify-full')
    assert.equal(relaxed.config.db.ssl, 'disable')
  })

  it('rejects a headers timeout longer than the request timeout', () => {
    const problems = problemsOf({ HEADERS_TIMEOUT_MS: '40000', REQUEST_TIMEOUT_MS: '30000' })

    assert.deepEqual(
      problems.map((problem) => problem.split(':', 1)[0]),
      ['HEADERS_TIMEOUT_MS'],
    )
  })

  it('rejects * and true in TRUST_PROXY in every environment (they are not addresses)', () => {
    assert.equal(problemsOf({ TRUST_PROXY: '*' }).length, 1)
    assert.equal(problemsOf({ TRUST_PROXY: 'true' }).length, 1)
  })

  it('rejects TLS settings in DATABASE_URL, which would override DB_SSL', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://db.internal/app?sslmode=disable' })

    assert.match(problems[0] ?? '', /^DATABASE_URL: remove sslmode/)
  })

  it('rejects a hop count and malformed addresses in TRUST_PROXY', () => {
    const problems = problemsOf({ TRUST_PROXY: '2,10.0.0.0/33,proxy.local,10.0.0.1,10.0.0.0/8,::1/128' })

    assert.equal(problems.length, 3)
    assert.ok(problems[0]?.includes('hop count'))
  })

  it('rejects CORS origins with a path or without a scheme', () => {
    const problems = problemsOf({
      CORS_ORIGINS: 'https://app.example.com,https://x.example.com/path,example.com',
    })

    assert.equal(problems.length, 2)
  })

  it('reads a secret from NAME_FILE without its trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-config-'))
    const file = join(dir, 'secret')
    writeFileSync(file, `${SECRET}\n`)

    const result = loadConfig({ ...PRODUCTION, SECRET_KEY: '', SECRET_KEY_FILE: file })

    assert.ok(result.ok, JSON.stringify(result))
    assert.equal(result.config.security.secretKey, SECRET)
  })

  it('refuses a secret given both directly and as a file, and a file that cannot be read', () => {
    assert.equal(problemsOf({ SECRET_KEY: SECRET, SECRET_KEY_FILE: '/etc/hostname' }).length, 1)
    assert.match(problemsOf({ SECRET_KEY_FILE: '/nonexistent/secret' })[0] ?? '', /cannot read/)
  })

  it('never shows a secret value in a problem', () => {
    const problems = problemsOf({ ...PRODUCTION, SECRET_KEY: 'short-but-secret-value' })

    assert.ok(problems.length > 0)
    assert.ok(problems.every((problem) => !problem.includes('short-but-secret-value')))
  })
})

describe('production refusals', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['CORS_ORIGINS=*', { CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    ['a missing secret', { SECRET_KEY: '' }, 'SECRET_KEY'],
    ['a short secret', { SECRET_KEY: 'abc123' }, 'SECRET_KEY'],
    ['a sample secret', { SECRET_KEY: 'replace-me-with-at-least-32-random-characters' }, 'SECRET_KEY'],
    ['a low-entropy secret', { SECRET_KEY: 'a'.repeat(40) }, 'SECRET_KEY'],
    ['public docs', { DOCS_ENABLED: 'true', DOCS_PUBLIC: 'true' }, 'DOCS_ENABLED'],
    ['trusting every proxy', { TRUST_PROXY: '0.0.0.0/0' }, 'TRUST_PROXY'],
    [
      'trusting every proxy, spelled otherwise',
      { TRUST_PROXY: '0::/0,0.0.0.0/1,128.0.0.0/1' },
      'TRUST_PROXY',
    ],
    ['pretty logs', { LOG_FORMAT: 'pretty' }, 'LOG_FORMAT'],
    ['silent logs', { LOG_LEVEL: 'silent' }, 'LOG_LEVEL'],
    [
      'shutdown timings longer than the grace period',
      { SHUTDOWN_DRAIN_DELAY_MS: '15000', SHUTDOWN_TIMEOUT_MS: '20000' },
      'SHUTDOWN_DRAIN_DELAY_MS',
    ],
    ['a handler deadline beyond the shutdown timeout', { HANDLER_TIMEOUT_MS: '25000' }, 'HANDLER_TIMEOUT_MS'],
    ['the embedded database', { DATABASE_URL: '' }, 'DATABASE_URL'],
  ]
  for (const [what, env, variable] of cases) {
    it(`refuses ${what}, naming ${variable} and the reason`, () => {
      const problems = problemsOf({ ...PRODUCTION, ...env })

      assert.equal(problems.length, 1, problems.join('\n'))
      assert.ok(problems[0]?.startsWith(variable), problems[0])
      assert.ok((problems[0]?.length ?? 0) > variable.length + 20, 'a reason is given')
    })
  }

  it('lists every refusal at once', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      CORS_ORIGINS: '*',
      LOG_FORMAT: 'pretty',
      DOCS_ENABLED: 'true',
      DOCS_PUBLIC: 'true',
    })

    assert.equal(problems.length, 6, 'three settings, the missing secret, database and signing key')
  })

  it('accepts docs in production behind the authentication gate (DOCS_PUBLIC=false, the default there)', () => {
    assert.deepEqual(problemsOf({ ...PRODUCTION, DOCS_ENABLED: 'true' }), [])
    assert.deepEqual(problemsOf({ ...PRODUCTION, DOCS_ENABLED: 'true', DOCS_PUBLIC: 'false' }), [])
  })

  it('refuses a cheap scrypt cost and a missing JWT signing key in production', () => {
    const problems = [
      ...problemsOf({ ...PRODUCTION, AUTH_SCRYPT_LOG_N: '14' }),
      ...problemsOf({ ...PRODUCTION, AUTH_JWT_SIGNING_KEY_FILE: '' }),
    ]

    assert.ok(problems.some((problem) => problem.startsWith('AUTH_SCRYPT_LOG_N: below 17')))
    assert.ok(problems.some((problem) => problem.startsWith('AUTH_JWT_SIGNING_KEY_FILE: required')))
  })

  it('refuses in production a signing or previous key published in the repository (issue 8)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-keys-'))
    const previous = join(dir, 'previous.pem')
    // A rotation file with an own key and the public half of a published one: still refused.
    const published = createPublicKey(readFileSync(PUBLISHED_KEY_FILES.p256, 'utf8'))
    writeFileSync(
      previous,
      `${readFileSync(TEST_SIGNING_KEY_FILE, 'utf8')}${String(published.export({ type: 'spki', format: 'pem' }))}`,
    )

    const refusals = [
      ...problemsOf({ ...PRODUCTION, AUTH_JWT_SIGNING_KEY_FILE: PUBLISHED_KEY_FILES.ed25519 }),
      ...problemsOf({ ...PRODUCTION, AUTH_JWT_SIGNING_KEY_FILE: PUBLISHED_KEY_FILES.p256 }),
      ...problemsOf({ ...PRODUCTION, AUTH_JWT_PREVIOUS_KEYS_FILE: previous }),
    ]

    assert.deepEqual(
      refusals.map((problem) => problem.split(':', 1)[0]),
      ['AUTH_JWT_SIGNING_KEY_FILE', 'AUTH_JWT_SIGNING_KEY_FILE', 'AUTH_JWT_PREVIOUS_KEYS_FILE'],
    )
    for (const problem of refusals) assert.match(problem, /published in the Bulwark repository/)
    assert.deepEqual(problemsOf(PRODUCTION), [], 'a key generated for this run is accepted')
    assert.deepEqual(
      problemsOf({ NODE_ENV: 'test', AUTH_JWT_SIGNING_KEY_FILE: PUBLISHED_KEY_FILES.ed25519 }),
      [],
      'tests may still use the published keys',
    )
  })

  it('refuses in production a key file that cannot be read or holds no key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-keys-'))
    const empty = join(dir, 'empty.pem')
    writeFileSync(empty, 'not a key\n')

    assert.match(
      problemsOf({ ...PRODUCTION, AUTH_JWT_SIGNING_KEY_FILE: join(dir, 'missing.pem') })[0] ?? '',
      /^AUTH_JWT_SIGNING_KEY_FILE: cannot read .*missing\.pem \(ENOENT\)$/,
    )
    assert.match(
      problemsOf({ ...PRODUCTION, AUTH_JWT_SIGNING_KEY_FILE: empty })[0] ?? '',
      /^AUTH_JWT_SIGNING_KEY_FILE: .* holds no PEM key$/,
    )
  })

  it('keeps password hashing below the libuv thread pool size', () => {
    assert.match(
      problemsOf({ AUTH_HASH_CONCURRENCY: '4' })[0] ?? '',
      /AUTH_HASH_CONCURRENCY: must be below UV_THREADPOOL_SIZE \(4\)/,
    )
    assert.deepEqual(problemsOf({ AUTH_HASH_CONCURRENCY: '4', UV_THREADPOOL_SIZE: '8' }), [])
    assert.deepEqual(problemsOf({ AUTH_LOCKOUT_BASE_S: '60', AUTH_LOCKOUT_MAX_S: '30' }), [
      'AUTH_LOCKOUT_BASE_S: must not exceed AUTH_LOCKOUT_MAX_S',
    ])
  })

  it('accepts the same settings outside production', () => {
    const result = loadConfig({
      CORS_ORIGINS: '*',
      LOG_LEVEL: 'silent',
      LOG_FORMAT: 'pretty',
      DOCS_ENABLED: 'true',
    })

    assert.ok(result.ok)
  })
})

describe('describeConfig', () => {
  it('redacts secrets and says where each value came from', () => {
    const lines = describeConfig(
      { SECRET_KEY: SECRET, PORT: '8080', HOST: '127.0.0.1', DATABASE_URL_FILE: '/run/secrets/db' },
      new Set(['PORT', 'DATABASE_URL_FILE']),
    )

    assert.ok(lines.includes('SECRET_KEY=[redacted]  (environment)'))
    assert.ok(lines.includes('PORT=8080  (.env)'))
    assert.ok(lines.includes('HOST=127.0.0.1  (environment)'))
    assert.ok(lines.includes('DATABASE_URL=[redacted]  (from DATABASE_URL_FILE, .env)'))
    assert.ok(lines.includes('LOG_FORMAT=pretty  (default)'))
    assert.ok(lines.every((line) => !line.includes(SECRET)))
  })
})

describe('settings that are not in the schema', () => {
  it('warns about names that look like settings, with the closest known name', () => {
    const result = loadConfig({
      PROT: '8080',
      DATABSE_URL: 'postgres://x',
      DB_PASSWORD: 'p',
      LOG_LEVL: 'debug',
    })

    const [prot, databse, password, levl] = result.warnings
    assert.equal(prot, 'PROT: not a Bulwark setting and ignored; did you mean PORT?')
    assert.equal(databse, 'DATABSE_URL: not a Bulwark setting and ignored; did you mean DATABASE_URL?')
    assert.match(password ?? '', /^DB_PASSWORD: not a Bulwark setting and ignored \(the closest is DB_\w+; /)
    assert.equal(levl, 'LOG_LEVL: not a Bulwark setting and ignored; did you mean LOG_LEVEL?')
  })

  it('leaves the variables of other programs alone', () => {
    const result = loadConfig({
      PATH: '/usr/bin',
      HOME: '/root',
      TERM: 'xterm',
      LANG: 'C.UTF-8',
      PWD: '/',
      SHELL: '/bin/sh',
      USER: 'root',
      NODE_OPTIONS: '',
      NODE_V8_COVERAGE: '/tmp/c',
      SECRET_KEY_FILE: '',
      UV_THREADPOOL_SIZE: '8',
      ENV_FILE: '/dev/null',
    })

    assert.deepEqual(
      result.warnings.filter((warning) => warning.includes('not a Bulwark setting')),
      [],
    )
  })
})

describe('readEnvironment', () => {
  it('reads .env underneath the process environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-env-'))
    writeFileSync(join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=debug\n')

    const env = readEnvironment({ LOG_LEVEL: 'warn' }, dir)

    assert.equal(env.PORT, '4000')
    assert.equal(env.LOG_LEVEL, 'warn')
  })

  it('says which file it read and which names came from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-env-'))
    writeFileSync(join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=debug\n')

    const sourced = readSourcedEnvironment({ LOG_LEVEL: 'warn' }, dir)

    assert.equal(sourced.file, join(dir, '.env'))
    assert.deepEqual([...sourced.fromFile], ['PORT'])
    assert.equal(readSourcedEnvironment({}, mkdtempSync(join(tmpdir(), 'bulwark-env-'))).file, undefined)
  })

  it('returns the process environment when there is no .env', () => {
    const env = readEnvironment({ PORT: '1' }, mkdtempSync(join(tmpdir(), 'bulwark-env-')))

    assert.deepEqual(env, { PORT: '1' })
  })
})

describe('.env.example', () => {
  it('matches the configuration schema (run `npm run env:example` after changing it)', () => {
    const committed = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8')

    assert.equal(committed, renderEnvExample())
  })

  it('lists every variable', () => {
    const committed = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8')

    for (const name of Object.keys(VARIABLES)) assert.match(committed, new RegExp(`^# ${name}=`, 'm'))
  })
})
