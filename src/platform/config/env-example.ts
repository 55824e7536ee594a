// Renders .env.example from the variable table, so the documented list cannot drift from the schema.
import { CONFIG_SECTIONS, VARIABLES } from './schema.ts'
import type { VariableSpec } from './variable.ts'

function describeDefault(spec: VariableSpec): string {
  if (typeof spec.default === 'string') return spec.default === '' ? '(empty)' : spec.default
  const { development, production, test } = spec.default
  const shown = (value: string) => (value === '' ? '(empty)' : value)
  return `development=${shown(development)} production=${shown(production)} test=${shown(test)}`
}

function describeType(spec: VariableSpec): string {
  switch (spec.type) {
    case 'integer':
      return `integer ${spec.min}..${spec.max}`
    case 'enum':
      return spec.values.join(' | ')
    case 'list':
      return 'comma-separated list'
    default:
      return spec.type
  }
}

export function renderEnvExample(): string {
  const lines = [
    '# Bulwark configuration. Every variable is optional outside production; the commented value is the',
    '# default. Generated from src/platform/config/schema.ts by `npm run env:example` (a test checks it).',
    '# Secrets can also be read from a file: NAME_FILE=/run/secrets/name.',
  ]
  for (const section of CONFIG_SECTIONS) {
    lines.push('', `# ---- ${section} ----`)
    for (const [name, spec] of Object.entries(VARIABLES)) {
      if (spec.section !== section) continue
      lines.push('', `# ${spec.doc}`, `# ${describeType(spec)}; default: ${describeDefault(spec)}`)
      lines.push(`# ${name}=${typeof spec.default === 'string' ? spec.default : spec.default.development}`)
    }
  }
  return `${lines.join('\n')}\n`
}
