// The bulwark CLI: `bulwark <command>`. The commands and their options are in cli/commands.ts, which
// imports each command's code only when it runs and answers every failure with one line.
import { readFileSync } from 'node:fs'
import { runCli } from './cli/commands.ts'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
}

const code = await runCli(process.argv.slice(2), {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (text: string) => process.stderr.write(text),
  version,
})
if (code !== undefined) process.exitCode = code
