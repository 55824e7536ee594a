// `bulwark config check`: which .env it read, the effective configuration (secrets redacted) with where
// each value came from, every warning and every problem.
import { describeConfig, loadConfig, CONFIG_EXIT_CODE } from '../platform/config/loader.ts'
import type { SourcedEnvironment } from '../platform/config/environment.ts'

export function runConfigCheck(
  { env, file, fromFile }: SourcedEnvironment,
  out: (line: string) => void,
): number {
  out(file === undefined ? 'no .env file read (none in the working directory, or ENV_FILE)' : `read ${file}`)
  for (const line of describeConfig(env, fromFile)) out(line)
  const result = loadConfig(env)
  for (const warning of result.warnings) out(`warning: ${warning}`)
  if (!result.ok) {
    out(`\n${result.problems.length} problem(s):`)
    for (const problem of result.problems) out(`  - ${problem}`)
    return CONFIG_EXIT_CODE
  }
  out('\nconfiguration OK')
  return 0
}
