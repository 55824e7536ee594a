// The bulwark CLI as a user runs it: config check, refusals at start, healthcheck.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
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

/** The test PostgreSQL's URL with another database name. */
function withDatabase(name: string): string {
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  url.pathname = `/${name}`
  return url.toString()
}

const INSECURE_PRODUCTION = {
  NODE_ENV: 'production',
  SECRET_KEY: 'changeme',
  CORS_ORIGINS: '*',
  LOG_FORMAT: 'pretty',
  TRUST_PROXY: '0.0.0.0/0',
  DOCS_ENABLED: 'true',
  DOCS_PUBLIC: 'true',
  DATABASE_URL: 'postgres://app@db.internal/app',
}

describe('bulwark config check', () => {
  it('prints the effective configuration with secrets redacted and exits 0', () => {
    const result = bulwark(['config', 'check'], { SECRET_KEY: 'a-very-secret-value-nobody-may-see-1234' })

    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /^SECRET_KEY=\[redacted\] {2}\(environment\)$/m)
    assert.match(result.stdout, /^PORT=3000 {2}\(default\)$/m)
    assert.match(result.stdout, /^read \/dev\/null$/m)
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

describe('start-up errors a person can act on', () => {
  const unreachable = {
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/app',
    DB_SSL: 'disable',
  }
  const missing = {
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/bulwark_no_such_db',
    DB_SSL: 'disable',
    ...(process.env.TEST_DATABASE_URL === undefined
      ? {}
      : { DATABASE_URL: withDatabase('bulwark_no_such_db') }),
  }

  it('config check says whether the database answers, and what to do when it does not', () => {
    const down = bulwark(['config', 'check'], unreachable)
    const unknown = bulwark(['config', 'check'], missing)

    assert.equal(down.code, 0, down.stderr)
    assert.match(
      down.stdout,
      /^database: nothing accepts connections at 127\.0\.0\.1:1: is PostgreSQL running there\?$/m,
    )
    assert.match(
      unknown.stdout,
      /^database: database "bulwark_no_such_db" does not exist at .*: create it \(createdb bulwark_no_such_db\)/m,
    )
  })

  it('answers any other failure of a command with one line and exit 1, and a bad --expires as usage', () => {
    const unwritable = bulwark(['openapi', '--out', '/nonexistent-dir/openapi.json'])
    const expiry = bulwark(['keys', 'create', '--name', 'x', '--scopes', 'admin', '--expires', 'soon'], {
      DATA_DIR: 'memory://',
    })

    assert.equal(unwritable.code, 1)
    assert.match(
      unwritable.stderr,
      /^bulwark openapi: ENOENT: no such file or directory, open '\/nonexistent-dir\/openapi\.json'\n$/,
    )
    assert.equal(expiry.code, 2)
    assert.match(
      expiry.stderr,
      /^bulwark keys create: --expires: "soon" is neither a date nor a number of days \(90d\) \(usage: /,
    )
    assert.equal(expiry.stderr.trimEnd().split('\n').length, 1)
  })

  it('the CLI commands answer an unreachable database with one line and exit 1, the stack only at debug', () => {
    for (const args of [['keys', 'list'], ['migrate'], ['users', 'create', '--email', 'a@example.com']]) {
      const result = bulwark(args, { ...unreachable, BULWARK_PASSWORD: 'correct horse battery staple' })

      assert.equal(result.code, 1, args.join(' '))
      assert.equal(
        result.stderr,
        `bulwark ${args.slice(0, args[0] === 'migrate' ? 1 : 2).join(' ')}: nothing accepts connections at 127.0.0.1:1: is PostgreSQL running there?\n`,
      )
    }
    const debug = bulwark(['keys', 'list'], { ...unreachable, LOG_LEVEL: 'debug' })
    assert.match(debug.stderr, /ECONNREFUSED[\s\S]*\n\s+at /)
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

  it('loads no framework, driver or logger: it runs in the container every few seconds', () => {
    const result = modulesLoadedBy(['healthcheck'], { NODE_ENV: 'test', PORT: '1' })

    assert.equal(result.code, 1)
    assert.ok(
      result.modules.some((url) => url.endsWith('/cli/healthcheck.js')),
      'the recorder saw the command',
    )
    assert.deepEqual(result.modules.filter(isFrameworkModule), [])
  })

  it('answers serve --help without loading the framework', () => {
    const result = modulesLoadedBy(['serve', '--help'], { PORT: '0' })

    assert.equal(result.code, 0)
    assert.deepEqual(result.modules.filter(isFrameworkModule), [])
  })
})

/** The packages `healthcheck` and `--help` must never load: each costs tens of milliseconds at start. */
const FRAMEWORK = /\/node_modules\/(fastify|@fastify\/[^/]+|pino|kysely|pg|@electric-sql\/pglite)\//

function isFrameworkModule(url: string): boolean {
  return FRAMEWORK.test(url)
}

/** A module hook that records every module resolved (import and require) and prints them at exit. */
const RECORDER = `
import { registerHooks } from 'node:module'
const urls = []
registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); urls.push(result.url); return result } })
process.on('exit', () => process.stderr.write('\\nloaded modules: ' + JSON.stringify(urls) + '\\n'))
`

/** Runs a command with the recorder; its exit code and the URL of every module it loaded. */
function modulesLoadedBy(args: string[], env: Record<string, string>) {
  const recorder = `data:text/javascript,${encodeURIComponent(RECORDER)}`
  const result = spawnSync(process.execPath, ['--import', recorder, MAIN, ...args], {
    env: isolatedEnv(env),
    encoding: 'utf8',
    timeout: 15_000,
  })
  const line = /^loaded modules: (.*)$/m.exec(result.stderr)?.[1]
  assert.ok(line !== undefined, result.stderr)
  return { code: result.status, modules: JSON.parse(line) as string[] }
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version

/** Every command and subcommand a user can type. */
const COMMANDS = [
  'serve',
  'migrate',
  'config check',
  'healthcheck',
  'keys create',
  'keys list',
  'keys revoke',
  'users create',
  'openapi',
  'version',
]

/** stderr holds exactly one line, and no stack. */
function assertOneLine(stderr: string) {
  assert.equal(stderr.trimEnd().split('\n').length, 1, stderr)
  assert.doesNotMatch(stderr, /^\s+at /m)
}

describe('the bulwark CLI as a command-line tool', () => {
  it('answers -h and --help on every command and subcommand with its usage, exit 0, doing nothing', () => {
    for (const command of COMMANDS) {
      for (const flag of ['--help', '-h']) {
        // serve --help must not start a server: a spawnSync timeout would fail the exit code below.
        const result = bulwark([...command.split(' '), flag], { PORT: '0' })

        assert.equal(result.code, 0, `${command} ${flag}: ${result.stderr}`)
        assert.match(result.stdout, new RegExp(`^Usage: npx bulwark ${command}`), `${command} ${flag}`)
        assert.equal(result.stderr, '')
      }
    }
  })

  it('lists the commands for --help, -h, help and no command; and the subcommands of a group', () => {
    for (const args of [['--help'], ['-h'], ['help'], []]) {
      const result = bulwark(args)
      assert.equal(result.code, 0)
      assert.match(result.stdout, /^Usage: npx bulwark <command> \[options\]/)
      for (const command of COMMANDS) assert.ok(result.stdout.includes(`  ${command}`), command)
    }
    const keys = bulwark(['keys', '--help'])
    assert.equal(keys.code, 0)
    assert.match(keys.stdout, /^Usage: npx bulwark keys <command>/)
    assert.ok(keys.stdout.includes('keys revoke ID|PREFIX'))
    assert.ok(!keys.stdout.includes('users create'))
  })

  it('prints the version for --version, -v and version', () => {
    for (const args of [['--version'], ['-v'], ['version']]) {
      const result = bulwark(args)
      assert.equal(result.code, 0)
      assert.equal(result.stdout, `${VERSION}\n`)
    }
  })

  it('answers an unknown command, option or argument with one usage line on stderr and exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['launch'], /^bulwark: unknown command "launch" \(run `npx bulwark --help` for the list\)$/],
      [['keys'], /^bulwark: keys needs a command \(run `npx bulwark keys --help` for the list\)$/],
      [['keys', 'rotate'], /^bulwark: unknown command "keys rotate"/],
      [
        ['migrate', '--force'],
        /^bulwark migrate: unknown option --force \(usage: npx bulwark migrate \[--status\]\)$/,
      ],
      [['openapi', '--out'], /^bulwark openapi: .*--out.* \(usage: npx bulwark openapi \[--out FILE\]\)$/],
      [
        ['keys', 'create', '--name', 'x'],
        /^bulwark keys create: missing --scopes \(usage: npx bulwark keys create --name/,
      ],
      [
        ['keys', 'create', '--name', 'x', '--scopes', 'root'],
        /^bulwark keys create: unknown scope\(s\): root/,
      ],
      [
        ['keys', 'revoke'],
        /^bulwark keys revoke: missing argument \(usage: npx bulwark keys revoke ID\|PREFIX\)$/,
      ],
      [['keys', 'list', 'extra'], /^bulwark keys list: unexpected argument extra/],
      [
        ['users', 'create', '--email', 'a@example.com', '--role', 'root'],
        /^bulwark users create: --role must be user or admin/,
      ],
      [['config', 'frob'], /^bulwark: unknown command "config frob"/],
    ]
    for (const [args, expected] of cases) {
      const result = bulwark(args, { DATA_DIR: 'memory://' })

      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
      assertOneLine(result.stderr)
      assert.match(result.stderr.trimEnd(), expected)
      assert.equal(result.stdout, '')
    }
  })
})
