// The bulwark CLI: `bulwark <command>`. The commands and their options are in cli/commands.ts, which
// imports each command's code only when it runs and answers every failure with one line.
import { readFileSync } from 'node:fs'
import { enableCompileCache } from 'node:module'
import { runCli } from './cli/commands.ts'

// V8's compiled code of every module is kept on disk (NODE_COMPILE_CACHE, else the system's temporary
// directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off, and a directory that cannot be written only costs
// the saving): a worker started after the first (a replacement after a crash) compiles less. The modules
// loaded before this line (this file and cli/commands.ts) are not cached; everything the commands import is.
enableCompileCache()

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
}

const code = await runCli(process.argv.slice(2), {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (text: string) => process.stderr.write(text),
  version,
})
if (code !== undefined) process.exitCode = code
