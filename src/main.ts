// The bulwark CLI: serve | config check | healthcheck | openapi. Parses argv and dispatches.
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { runKeys, runUsers } from './cli/accounts.ts'
import { runConfigCheck } from './cli/config-check.ts'
import { runHealthcheck } from './cli/healthcheck.ts'
import { runMigrate } from './cli/migrate.ts'
import { generateOpenApi } from './cli/openapi.ts'
import { CONFIG_EXIT_CODE, loadConfig, type Environment, type LoadResult } from './platform/config/loader.ts'
import { withPersistentDevelopmentSecret } from './platform/config/development-secret.ts'
import { readEnvironment } from './platform/config/environment.ts'
import { DataDirLockedError } from './platform/db/data-dir-lock.ts'
import { serve } from './server/serve.ts'
import { DATA_DIR_LOCKED_EXIT_CODE } from './server/exit-codes.ts'

const USAGE = `Usage: bulwark <command>

Commands:
  serve              run the API server (configuration from the environment and .env)
  migrate [--status] apply pending database migrations, or only list applied and pending ones
  config check       print the effective configuration (secrets redacted) and every problem
  healthcheck        exit 0 when the local instance answers /health/ready with 200, else 1
  keys create|list|revoke
                     manage API keys (\`bulwark keys\` for the options)
  users create --email EMAIL [--role user|admin]
                     create an account; the password comes from BULWARK_PASSWORD or stdin
  openapi [--out F]  print the OpenAPI document, or write it to F
`

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
}
const print = (line: string) => process.stdout.write(`${line}\n`)

function loadOrExit(env: Environment): Extract<LoadResult, { ok: true }> {
  const result = loadConfig(env)
  if (result.ok) return { ...result, config: withPersistentDevelopmentSecret(result.config) }
  process.stderr.write(`bulwark: invalid configuration, ${result.problems.length} problem(s):\n`)
  for (const problem of result.problems) process.stderr.write(`  - ${problem}\n`)
  process.stderr.write('Run `bulwark config check` to see the effective configuration.\n')
  process.exit(CONFIG_EXIT_CODE)
}

/** BULWARK_PASSWORD, or standard input (one line; never a command-line argument, which `ps` shows). */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.BULWARK_PASSWORD
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

async function main(argv: readonly string[]): Promise<number | undefined> {
  const env = readEnvironment(process.env, process.cwd())
  const [command, ...rest] = argv
  switch (command) {
    case 'serve': {
      const { config, warnings } = loadOrExit(env)
      await serve(config, { version: packageJson.version, warnings })
      return undefined
    }
    case 'migrate': {
      const { values } = parseArgs({ args: rest, options: { status: { type: 'boolean', default: false } } })
      return runMigrate(loadOrExit(env).config, values.status, print)
    }
    case 'config':
      if (rest[0] !== 'check') break
      return runConfigCheck(env, print)
    case 'keys':
      return runKeys(loadOrExit(env).config, rest, print)
    case 'users':
      return runUsers(loadOrExit(env).config, rest, readPassword, print)
    case 'healthcheck':
      return runHealthcheck(loadOrExit(env).config.server, print)
    case 'openapi': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } })
      const document = await generateOpenApi(packageJson.version)
      if (values.out === undefined) process.stdout.write(document)
      else writeFileSync(values.out, document)
      return 0
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE)
      return 0
  }
  process.stderr.write(`bulwark: unknown command "${argv.join(' ')}"\n\n${USAGE}`)
  return 2
}

/** What a command that needs the embedded database can do instead while a server holds it. */
function throughTheServer(command: string | undefined, url: string | undefined): string {
  const base = url ?? 'http://127.0.0.1:3000'
  const auth = '-H "Authorization: Bearer $ADMIN_KEY" -H \'content-type: application/json\''
  if (command === 'keys') {
    return `While it runs, manage keys through its API with an admin key, e.g.:\n  curl -X POST ${base}/api/v1/api-keys ${auth} -d '{"name":"me","scopes":["math:read"]}'\n`
  }
  if (command === 'users') {
    return `While it runs, create accounts through its API with an admin key, e.g.:\n  curl -X POST ${base}/api/v1/users ${auth} -d '{"email":"ada@example.com","password":"…","role":"user"}'\n`
  }
  return ''
}

const argv = process.argv.slice(2)
const code = await main(argv).catch((error: unknown) => {
  if (!(error instanceof DataDirLockedError)) throw error
  process.stderr.write(`bulwark: ${error.message}\n${throughTheServer(argv[0], error.holder.url)}`)
  return DATA_DIR_LOCKED_EXIT_CODE
})
if (code !== undefined) process.exitCode = code
