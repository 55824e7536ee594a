// The shape of a configuration group: the variables of one slice of Config, how the slice is built from
// them, and the rules that concern it. schema.ts lists the groups; the loader composes them. A new variable
// is declared in its group's `variables` and read in its `build`; then `npm run env:example`.
import type { Config } from './config.ts'
import type { Environment } from './loader.ts'
import type { ConfigSection, NodeEnv, ValuesOf, VariableSpecs } from './variable.ts'

/** One group (groups/*.ts): its variables, the slice of Config it builds, and its checks. */
export interface ConfigGroup<Slice, Variables extends VariableSpecs = VariableSpecs> {
  /** The .env.example heading its variables are listed under (a variable may name another). */
  section: ConfigSection
  /** Declaration order is the order of .env.example and `config check` within a section. */
  variables: Variables
  /** Name prefixes this group owns: an unknown name carrying one is reported as a likely typo. */
  prefixes?: readonly string[]
  /** The typed slice, from values already parsed and bounds-checked. */
  build(values: ValuesOf<Variables>, env: NodeEnv): Slice
  /** Rules that hold in every environment: values that cannot work together. */
  checks?(config: Readonly<Config>, env: Environment): string[]
  /** Settings that are tolerable on a laptop and dangerous in production, each with its reason. */
  productionChecks?(config: Readonly<Config>): string[]
}

/** A group, with its variables' literal types kept so `build` receives typed values. */
export function defineGroup<Slice, const Variables extends VariableSpecs>(
  group: ConfigGroup<Slice, Variables>,
): ConfigGroup<Slice, Variables> {
  return group
}
