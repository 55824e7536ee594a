// What the logger writes and how: level, format, and the slow-request threshold.
import { defineGroup } from '../group.ts'
import { perEnv } from '../variable.ts'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface LogConfig {
  level: LogLevel
  format: 'json' | 'pretty'
  slowRequestMs: number
}

export const loggingGroup = defineGroup({
  section: 'logging',
  prefixes: ['LOG_'],
  variables: {
    LOG_LEVEL: {
      type: 'enum',
      values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: perEnv('info', 'info', 'warn'),
      doc: 'Lowest level written; silent is refused in production.',
    },
    LOG_FORMAT: {
      type: 'enum',
      values: ['json', 'pretty'],
      default: perEnv('pretty', 'json', 'json'),
      doc: 'json: one JSON object per line (for log shippers); pretty: coloured single lines for a terminal, refused in production.',
    },
    SLOW_REQUEST_MS: {
      type: 'integer',
      min: 1,
      max: 600_000,
      default: '1000',
      doc: 'Requests slower than this are logged at warn level with slow=true.',
    },
  },
  build: (values): LogConfig => ({
    level: values.LOG_LEVEL,
    format: values.LOG_FORMAT,
    slowRequestMs: values.SLOW_REQUEST_MS,
  }),
  productionChecks({ log }) {
    const refusals: string[] = []
    if (log.format === 'pretty')
      refusals.push('LOG_FORMAT: pretty logs cannot be parsed by a log shipper; use json')
    if (log.level === 'silent') refusals.push('LOG_LEVEL: silent hides errors and access logs; use info')
    return refusals
  },
})
