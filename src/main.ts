// The bulwark CLI: `bulwark <command>`. The commands and their options are in cli/commands.ts, which
// imports each command's code only when it runs.
import { readFileSync } from 'node:fs'
import { runCli } from './cli/commands.ts'
import { DataDirLockedError } from './platform/db/data-dir-lock.ts'
import { DATA_DIR_LOCKED_EXIT_CODE } from './server/exit-codes.ts'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
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
const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (text: string) => process.stderr.write(text),
  version,
}
const code = await runCli(argv, io).catch((error: unknown) => {
  if (!(error instanceof DataDirLockedError)) throw error
  process.stderr.write(`bulwark: ${error.message}\n${throughTheServer(argv[0], error.holder.url)}`)
  return DATA_DIR_LOCKED_EXIT_CODE
})
if (code !== undefined) process.exitCode = code
