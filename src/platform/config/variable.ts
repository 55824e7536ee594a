// One environment variable as Bulwark declares it: type, bounds, default per NODE_ENV, meaning, and the
// TypeScript type its parsed value has.

export const NODE_ENVS = ['development', 'production', 'test'] as const
export type NodeEnv = (typeof NODE_ENVS)[number]

/** The headings of .env.example, in order; each variable is listed under one. */
export const CONFIG_SECTIONS = [
  'server',
  'security',
  'auth',
  'database',
  'redis',
  'breakers',
  'cache',
  'logging',
  'limits',
  'rate-limits',
  'overload',
  'lifecycle',
  'workers',
  'admin',
  'docs',
] as const
export type ConfigSection = (typeof CONFIG_SECTIONS)[number]

interface VariableBase {
  doc: string
  /** The .env.example heading, when not its group's (request size limits sit under `limits`). */
  section?: ConfigSection
  /** A secret is never printed or logged and may also be read from the file named by NAME_FILE. */
  secret?: boolean
  /** The default as written in the environment; a string for every NODE_ENV, or one per NODE_ENV. */
  default: string | Readonly<Record<NodeEnv, string>>
}

export type VariableSpec =
  | (VariableBase & { type: 'string'; pattern?: RegExp })
  | (VariableBase & { type: 'integer'; min: number; max: number })
  | (VariableBase & { type: 'boolean' })
  | (VariableBase & { type: 'enum'; values: readonly string[] })
  | (VariableBase & { type: 'list' })

export type VariableSpecs = Readonly<Record<string, VariableSpec>>

/** The parsed value of a variable: a number, a boolean, a list, one of the enum's values, or a string. */
export type ValueOf<Spec extends VariableSpec> = Spec extends { type: 'integer' }
  ? number
  : Spec extends { type: 'boolean' }
    ? boolean
    : Spec extends { type: 'list' }
      ? readonly string[]
      : Spec extends { type: 'enum'; values: readonly (infer Value extends string)[] }
        ? Value
        : string

/** The parsed values of a group's variables, by name. */
export type ValuesOf<Specs extends VariableSpecs> = { readonly [Name in keyof Specs]: ValueOf<Specs[Name]> }

/** A default that differs by NODE_ENV. */
export const perEnv = (development: string, production: string, test: string) => ({
  development,
  production,
  test,
})

/** The default of a variable under a NODE_ENV, as it would be written in the environment. */
export function defaultOf(spec: VariableSpec, env: NodeEnv): string {
  return typeof spec.default === 'string' ? spec.default : spec.default[env]
}

/** An empty string (the way an unset optional variable arrives) as undefined. */
export function optional(value: string): string | undefined {
  return value === '' ? undefined : value
}
