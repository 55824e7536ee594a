// `bulwark config check`: prints the effective configuration (secrets redacted) and every problem.
import { describeConfig, loadConfig, CONFIG_EXIT_CODE, type Environment } from '../platform/config/loader.ts'

export function runConfigCheck(env: Environment, out: (line: string) => void): number {
  for (const line of describeConfig(env)) out(line)
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
