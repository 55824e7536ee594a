// The configuration a CLI command runs with: loaded and checked, or the process exits 78 listing why.
import { CONFIG_EXIT_CODE, loadConfig, type LoadResult } from '../platform/config/loader.ts'
import { withPersistentDevelopmentSecret } from '../platform/config/development-secret.ts'
import { readEnvironment } from '../platform/config/environment.ts'
import { CLI } from './commands.ts'

export function loadOrExit(): Extract<LoadResult, { ok: true }> & { notices: string[] } {
  const result = loadConfig(readEnvironment(process.env, process.cwd()))
  if (result.ok) {
    const { config, notice } = withPersistentDevelopmentSecret(result.config)
    return { ...result, config, notices: notice === undefined ? [] : [notice] }
  }
  process.stderr.write(`bulwark: invalid configuration, ${result.problems.length} problem(s):\n`)
  for (const problem of result.problems) process.stderr.write(`  - ${problem}\n`)
  for (const warning of result.warnings) process.stderr.write(`  warning: ${warning}\n`)
  process.stderr.write(`Run \`${CLI} config check\` to see the effective configuration.\n`)
  process.exit(CONFIG_EXIT_CODE)
}
