// Reads the environment into a Config: every problem is collected and reported at once.
import { readFileSync } from 'node:fs'
import type { Config } from './config.ts'
import { checkConfig } from './checks.ts'
import type { ConfigGroup } from './group.ts'
import { CONFIG_GROUPS, VARIABLES } from './schema.ts'
import { unknownSettingWarnings } from './unknown-settings.ts'
import { defaultOf, NODE_ENVS, type NodeEnv, type ValueOf, type VariableSpec } from './variable.ts'

export type Environment = Readonly<Record<string, string | undefined>>

export type LoadResult =
  | { ok: true; config: Readonly<Config>; warnings: string[] }
  | { ok: false; problems: string[]; warnings: string[] }

/** Exit code for an invalid configuration (EX_CONFIG from sysexits.h). */
export const CONFIG_EXIT_CODE = 78

type Value = ValueOf<VariableSpec>

/** Loads and validates the configuration; never throws for bad input, never reads process.env itself. */
export function loadConfig(env: Environment): LoadResult {
  const problems: string[] = []
  const nodeEnv = readNodeEnv(env)
  const values: Record<string, Value> = {}
  for (const [name, spec] of Object.entries(VARIABLES)) {
    const raw = readRaw(name, spec, env, nodeEnv, problems)
    const parsed = parseValue(name, spec, raw, problems)
    if (parsed !== undefined) values[name] = parsed
  }
  const warnings = unknownSettingWarnings(Object.keys(env))
  if (problems.length > 0) return { ok: false, problems, warnings }

  const config = buildConfig(values, nodeEnv)
  const refusals = checkConfig(config, env)
  if (refusals.length > 0) return { ok: false, problems: refusals, warnings }
  return { ok: true, config: deepFreeze(config), warnings }
}

/** The NODE_ENV that picks defaults; an invalid one is reported with the other variables. */
function readNodeEnv(env: Environment): NodeEnv {
  const raw = env.NODE_ENV ?? ''
  return (NODE_ENVS as readonly string[]).includes(raw) ? (raw as NodeEnv) : 'development'
}

function readRaw(
  name: string,
  spec: VariableSpec,
  env: Environment,
  nodeEnv: NodeEnv,
  problems: string[],
): string {
  const direct = env[name]
  const filePath = spec.secret === true ? env[`${name}_FILE`] : undefined
  if (filePath !== undefined && filePath !== '') {
    if (direct !== undefined && direct !== '') {
      problems.push(`${name}: set either ${name} or ${name}_FILE, not both`)
      return ''
    }
    try {
      // Secret files (Docker/Kubernetes secrets) usually end with a newline that is not part of the secret.
      return readFileSync(filePath, 'utf8').replace(/\r?\n$/, '')
    } catch (error) {
      problems.push(
        `${name}_FILE: cannot read ${filePath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      )
      return ''
    }
  }
  return direct === undefined || direct === '' ? defaultOf(spec, nodeEnv) : direct
}

function parseValue(name: string, spec: VariableSpec, raw: string, problems: string[]): Value | undefined {
  const shown = spec.secret === true ? '[redacted]' : `"${raw}"`
  switch (spec.type) {
    case 'string':
      if (spec.pattern !== undefined && !spec.pattern.test(raw)) {
        problems.push(`${name}: does not match ${spec.pattern.source} (got ${shown})`)
        return undefined
      }
      return raw
    case 'integer': {
      const value = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
      if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
        problems.push(`${name}: must be an integer from ${spec.min} to ${spec.max} (got ${shown})`)
        return undefined
      }
      return value
    }
    case 'boolean': {
      const lowered = raw.trim().toLowerCase()
      if (lowered === 'true' || lowered === '1') return true
      if (lowered === 'false' || lowered === '0') return false
      problems.push(`${name}: must be true or false (got ${shown})`)
      return undefined
    }
    case 'enum':
      if (!spec.values.includes(raw)) {
        problems.push(`${name}: must be one of ${spec.values.join(', ')} (got ${shown})`)
        return undefined
      }
      return raw
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
  }
}

/**
 * Every group builds its slice from the parsed values. parseValue gives each variable the type its spec
 * declares, which is the type the group's build reads it as.
 */
function buildConfig(values: Readonly<Record<string, Value>>, env: NodeEnv): Config {
  const groups: [string, ConfigGroup<unknown>][] = Object.entries(CONFIG_GROUPS)
  const slices = groups.map(([key, group]) => [key, group.build(values, env)])
  // CONFIG_GROUPS has exactly one group per slice of Config, each building that slice (checked where declared).
  return Object.fromEntries(slices) as Config
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object)
  }
  return Object.freeze(value)
}

/**
 * The effective configuration as NAME=value lines, secrets redacted, each with where its value came from:
 * `(default)`, `(.env)`, `(environment)` or `(from NAME_FILE)`; what `bulwark config check` prints.
 */
export function describeConfig(env: Environment, fromFile: ReadonlySet<string> = new Set()): string[] {
  const nodeEnv = readNodeEnv(env)
  const origin = (name: string) => (fromFile.has(name) ? '.env' : 'environment')
  return Object.entries(VARIABLES).map(([name, spec]) => {
    const set = env[name] ?? ''
    const file = `${name}_FILE`
    if (spec.secret === true && (env[file] ?? '') !== '')
      return `${name}=[redacted]  (from ${file}, ${origin(file)})`
    if (set === '')
      return spec.secret === true ? `${name}=(not set)` : `${name}=${defaultOf(spec, nodeEnv)}  (default)`
    return `${name}=${spec.secret === true ? '[redacted]' : set}  (${origin(name)})`
  })
}
