// Every environment variable Bulwark reads, composed from the configuration groups (groups/*.ts): each
// declares its variables next to the slice of Config it builds and the rules that concern it.
// `.env.example` is generated from this composition (and a test fails when the two drift apart).
import type { Config } from './config.ts'
import type { ConfigGroup } from './group.ts'
import { adminGroup } from './groups/admin.ts'
import { authGroup } from './groups/auth.ts'
import { breakersGroup } from './groups/breakers.ts'
import { cacheGroup } from './groups/cache.ts'
import { databaseGroup } from './groups/database.ts'
import { docsGroup } from './groups/docs.ts'
import { nodeEnvGroup } from './groups/node-env.ts'
import { overloadGroup } from './groups/overload.ts'
import { lifecycleGroup } from './groups/lifecycle.ts'
import { loggingGroup } from './groups/logging.ts'
import { mathGroup } from './groups/math.ts'
import { redisGroup } from './groups/redis.ts'
import { securityGroup } from './groups/security.ts'
import { serverGroup } from './groups/server.ts'
import { rateLimitGroup } from './groups/rate-limit.ts'
import { workersGroup } from './groups/workers.ts'
import { CONFIG_SECTIONS, type ConfigSection, type VariableSpec } from './variable.ts'

export { CONFIG_SECTIONS, defaultOf, NODE_ENVS, type NodeEnv, type VariableSpec } from './variable.ts'

/**
 * The group that builds each slice of Config (the compiler checks there is exactly one per slice). The
 * order is the order the groups' checks run and, within an .env.example section, their variables' order.
 */
export const CONFIG_GROUPS = {
  env: nodeEnvGroup,
  server: serverGroup,
  security: securityGroup,
  auth: authGroup,
  db: databaseGroup,
  redis: redisGroup,
  breakers: breakersGroup,
  cache: cacheGroup,
  log: loggingGroup,
  math: mathGroup,
  rateLimit: rateLimitGroup,
  overload: overloadGroup,
  lifecycle: lifecycleGroup,
  workers: workersGroup,
  admin: adminGroup,
  docs: docsGroup,
} as const satisfies { readonly [Key in keyof Config]: ConfigGroup<Config[Key]> }

/** The groups in order, each seen through the shape they share. */
export const GROUPS: readonly ConfigGroup<unknown>[] = Object.values(CONFIG_GROUPS)

/** A variable with the .env.example section it is listed under. */
export type ListedVariable = VariableSpec & { section: ConfigSection }

/** Every variable by name, section by section: the order of .env.example and `config check`. */
export const VARIABLES: Readonly<Record<string, ListedVariable>> = Object.fromEntries(
  CONFIG_SECTIONS.flatMap((section) =>
    GROUPS.flatMap((group) =>
      Object.entries(group.variables)
        .map(([name, spec]): [string, ListedVariable] => [
          name,
          { ...spec, section: spec.section ?? group.section },
        ])
        .filter(([, spec]) => spec.section === section),
    ),
  ),
)
