// The bulwark CLI's commands as one table: each has its synopsis, its options and a runner that imports
// what it needs only when it runs, so `bulwark healthcheck` (the container's health check) or `--help`
// never loads the framework. Every command answers -h/--help with its usage (exit 0); an unknown command
// or option, or a missing argument, gets one line with the usage on stderr and exit 2, never a stack.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util'
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts'
import { DATA_DIR_LOCKED_EXIT_CODE } from '../platform/lifecycle/exit-codes.ts'

/** What a runner receives: the parsed options and positionals, and where to write. */
export interface Invocation {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
  out: (line: string) => void
  version: string
}

interface Command {
  /** The words after `bulwark`, e.g. `keys create`. */
  name: string
  /** Options and arguments after the name, for the usage line. */
  synopsis: string
  summary: string
  /** More lines for --help. */
  details?: string
  options?: ParseArgsOptionsConfig
  /** How many positional arguments it takes (default 0). */
  positionals?: number
  /** Options that must be given. */
  required?: readonly string[]
  run(invocation: Invocation): Promise<number | undefined>
}

/** How commands are named in every message: this works from the project directory and in the image. */
export const CLI = 'npx bulwark'

/** The checked configuration (exit 78 with every problem otherwise). */
async function config() {
  return (await import('./load-config.ts')).loadOrExit().config
}

const SCOPES_LINE = 'Scopes: math:read, plans:read, plans:write, admin'

const COMMANDS: readonly Command[] = [
  {
    name: 'serve',
    synopsis: '',
    summary: 'run the API server (configuration from the environment and .env)',
    details:
      'Settings are listed in .env.example; `npx bulwark config check` prints the effective ones.\n' +
      'With WORKERS > 1 (auto: one per CPU) a primary supervises the workers and serves the management\n' +
      'listener (ADMIN_PORT: /metrics, /health, /status).\n' +
      'Signals to the primary: SIGTERM or SIGINT drains and stops (a second one exits at once); SIGHUP\n' +
      're-reads the configuration and replaces the workers one at a time; SIGTTIN/SIGTTOU add/remove one.',
    run: async ({ version }) => (await import('./run.ts')).serveCommand(version),
  },
  {
    name: 'migrate',
    synopsis: '[--status]',
    summary: 'apply pending database migrations, or with --status only list applied and pending ones',
    options: { status: { type: 'boolean' } },
    run: async ({ values, out }) =>
      (await import('./migrate.ts')).runMigrate(await config(), values.status === true, out),
  },
  {
    name: 'config check',
    synopsis: '',
    summary:
      'print the effective configuration (secrets redacted), where each value came from, and every problem',
    run: async ({ out }) => (await import('./run.ts')).configCheckCommand(out),
  },
  {
    name: 'healthcheck',
    synopsis: '',
    summary: 'exit 0 when the local instance answers /health/ready with 200, else 1',
    run: async ({ out }) => (await import('./healthcheck.ts')).runHealthcheck((await config()).server, out),
  },
  {
    name: 'keys create',
    synopsis: '--name NAME --scopes SCOPE[,SCOPE...] [--expires DATE|DAYSd] [--owner ID]',
    summary: 'create an API key and print it once',
    details: SCOPES_LINE,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      expires: { type: 'string' },
      owner: { type: 'string' },
    },
    required: ['name', 'scopes'],
    run: async (invocation) => (await import('./accounts.ts')).createKey(await config(), invocation),
  },
  {
    name: 'keys list',
    synopsis: '',
    summary: 'list API keys with their scopes, state and last use',
    run: async ({ out }) => (await import('./accounts.ts')).listKeys(await config(), out),
  },
  {
    name: 'keys revoke',
    synopsis: 'ID|PREFIX',
    summary: 'revoke an API key at once',
    positionals: 1,
    run: async ({ positionals, out }) =>
      (await import('./accounts.ts')).revokeKey(await config(), positionals[0] ?? '', out),
  },
  {
    name: 'users create',
    synopsis: '--email EMAIL [--role user|admin]',
    summary: 'create an account; the password comes from BULWARK_PASSWORD or standard input',
    options: { email: { type: 'string' }, role: { type: 'string', default: 'user' } },
    required: ['email'],
    run: async (invocation) => (await import('./accounts.ts')).createUser(await config(), invocation),
  },
  {
    name: 'openapi',
    synopsis: '[--out FILE]',
    summary: 'print the OpenAPI document, or write it to FILE',
    options: { out: { type: 'string' } },
    run: async ({ values, version }) => (await import('./run.ts')).openapiCommand(version, values.out),
  },
  {
    name: 'version',
    synopsis: '',
    summary: 'print the version (also --version)',
    run: ({ out, version }) => {
      out(version)
      return Promise.resolve(0)
    },
  },
]

/** A usage error: exit 2 with one line. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A command that failed for a reason a person can act on: one line, its exit code; the cause at debug. */
export class CommandFailure extends Error {
  override name = 'CommandFailure'
  readonly exitCode: number
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.exitCode = options.exitCode ?? 1
  }
}

function usageLine(command: Command): string {
  return `${CLI} ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`}`
}

function helpOf(command: Command): string {
  const lines = [
    `Usage: ${usageLine(command)}`,
    '',
    `${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`,
  ]
  if (command.details !== undefined) lines.push(command.details)
  return `${lines.join('\n')}\n`
}

/** The usage of every command whose name starts with `prefix` (all of them for ''). */
export function overview(prefix = ''): string {
  const shown = COMMANDS.filter((command) => prefix === '' || command.name.startsWith(`${prefix} `))
  const width = Math.max(...shown.map((command) => command.name.length + command.synopsis.length + 1))
  const rows = shown.map((command) => {
    const left = `${command.name} ${command.synopsis}`.trimEnd()
    return left.length <= width && left.length < 34
      ? `  ${left.padEnd(Math.min(width, 34))}  ${command.summary}`
      : `  ${left}\n  ${' '.repeat(Math.min(width, 34))}  ${command.summary}`
  })
  const head =
    prefix === '' ? `Usage: ${CLI} <command> [options]` : `Usage: ${CLI} ${prefix} <command> [options]`
  return `${head}\n\nCommands:\n${rows.join('\n')}\n\n${CLI} <command> --help shows a command's options; ${CLI} --version the version.\n`
}

/** Where a parse error names the option, this short form; otherwise Node's message. */
function describeParseError(error: Error & { code?: string }): string {
  const named = /'([^']+)'/.exec(error.message)?.[1]
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${named ?? ''}`.trimEnd()
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return `unexpected argument ${named ?? ''}`.trimEnd()
  return error.message.replace(/\.$/, '')
}

const isHelp = (word: string) => word === '-h' || word === '--help'

/** Runs argv (without node and the script); usage errors are written to `err` and answered with 2. */
export async function runCli(
  argv: readonly string[],
  io: { out: (line: string) => void; err: (text: string) => void; version: string },
): Promise<number | undefined> {
  const [first] = argv
  if (first === undefined || first === 'help' || isHelp(first)) {
    io.out(overview().trimEnd())
    return 0
  }
  if (first === '--version' || first === '-v') {
    io.out(io.version)
    return 0
  }
  // The longest name that argv starts with: `keys create` before a group `keys`.
  const command = COMMANDS.filter((candidate) => {
    const words = candidate.name.split(' ')
    return words.every((word, index) => argv[index] === word)
  }).sort((a, b) => b.name.length - a.name.length)[0]
  if (command === undefined) {
    const group = COMMANDS.some((candidate) => candidate.name.startsWith(`${first} `))
    if (group && argv.slice(1).some(isHelp)) {
      io.out(overview(first).trimEnd())
      return 0
    }
    const what = group
      ? argv[1] === undefined
        ? `${first} needs a command`
        : `unknown command "${first} ${argv[1]}"`
      : `unknown command "${first}"`
    io.err(`bulwark: ${what} (run \`${CLI} ${group ? `${first} ` : ''}--help\` for the list)\n`)
    return 2
  }
  const rest = argv.slice(command.name.split(' ').length)
  const options = command.options ?? {}
  if (rest.some(isHelp) && !('help' in options)) {
    io.out(helpOf(command).trimEnd())
    return 0
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options,
      allowPositionals: (command.positionals ?? 0) > 0,
      strict: true,
    })
    const missing = (command.required ?? []).filter((option) => values[option] === undefined)
    if (missing.length > 0)
      throw new UsageError(`missing ${missing.map((option) => `--${option}`).join(', ')}`)
    if (positionals.length !== (command.positionals ?? 0)) {
      throw new UsageError(
        positionals.length < (command.positionals ?? 0) ? 'missing argument' : 'too many arguments',
      )
    }
    return await command.run({
      values: values as Invocation['values'],
      positionals,
      out: io.out,
      version: io.version,
    })
  } catch (error) {
    return answerFailure(command, argv, error, io.err)
  }
}

/**
 * Every way a command can fail ends here, as one line on stderr and an exit code, never a stack (the stack
 * only at LOG_LEVEL=debug or trace): a usage error (2), the embedded database held by another process
 * (75, with how to do the same through the running server), or any other failure (1).
 */
function answerFailure(
  command: Command,
  argv: readonly string[],
  error: unknown,
  err: (text: string) => void,
) {
  const usage =
    error instanceof UsageError ||
    (error as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS') === true
  if (usage) {
    const reason = error instanceof UsageError ? error.message : describeParseError(error as Error)
    err(`bulwark ${command.name}: ${reason} (usage: ${usageLine(command)})\n`)
    return 2
  }
  if (error instanceof DataDirLockedError) {
    err(`bulwark: ${error.message}\n${throughTheServer(argv[0], error.holder.url)}`)
    return DATA_DIR_LOCKED_EXIT_CODE
  }
  const failure =
    error instanceof CommandFailure
      ? error
      : new CommandFailure(error instanceof Error ? error.message : String(error), { cause: error })
  err(`bulwark ${command.name}: ${failure.message}\n`)
  const level = process.env.LOG_LEVEL
  if ((level === 'debug' || level === 'trace') && failure.cause instanceof Error) {
    err(`${failure.cause.stack ?? failure.cause.message}\n`)
  }
  return failure.exitCode
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
