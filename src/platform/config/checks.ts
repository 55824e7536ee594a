// Cross-setting rules and the production refusals, each group's in group order: an insecure production
// setting stops the start.
import type { Config } from './config.ts'
import type { Environment } from './loader.ts'
import { GROUPS } from './schema.ts'

/** Every problem the groups find with a configuration whose values are each valid on their own. */
export function checkConfig(config: Readonly<Config>, env: Environment): string[] {
  const problems = GROUPS.flatMap((group) => group.checks?.(config, env) ?? [])
  // Outside production these settings are the convenient defaults (pretty logs, docs on), not mistakes.
  if (config.env === 'production') {
    problems.push(...GROUPS.flatMap((group) => group.productionChecks?.(config) ?? []))
  }
  return problems
}
