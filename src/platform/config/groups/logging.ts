// What the logger writes and where: level, format, access-line sampling, the slow-request threshold and the
// optional log file with its rotation.
import { defineGroup } from '../group.ts'
import { optional, perEnv } from '../variable.ts'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** The log file (LOG_FILE) and how it rotates; one process per machine writes it. */
export interface LogFileConfig {
  path: string
  /** true: the file instead of stdout (LOG_FILE_ONLY). */
  only: boolean
  /** Rotates when the file would pass this size; undefined: never by size. */
  maxBytes: number | undefined
  /** Rotates at the first line after midnight UTC. */
  daily: boolean
  /** Rotated files kept: path.1 (newest) .. path.N. */
  keep: number
}

export interface LogConfig {
  level: LogLevel
  format: 'json' | 'pretty'
  slowRequestMs: number
  /** Probability (0..1) that a fast 2xx/3xx access line is written; errors and slow requests always are. */
  accessSampleRate: number
  file: LogFileConfig | undefined
}

/** 0, 1, or a decimal between: 0.1, .25, 1.0. */
const RATE = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/
/** An integer in milliseconds, or unset. */
const OPTIONAL_MS = /^(\d{1,6})?$/

export const loggingGroup = defineGroup({
  section: 'logging',
  prefixes: ['LOG_'],
  variables: {
    LOG_LEVEL: {
      type: 'enum',
      values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: perEnv('info', 'info', 'warn'),
      doc: 'Lowest level written; silent is refused in production. Changed at run time with PUT /log-level on the management listener.',
    },
    LOG_FORMAT: {
      type: 'enum',
      values: ['json', 'pretty'],
      default: perEnv('pretty', 'json', 'json'),
      doc: 'json: one JSON object per line (for log shippers); pretty: coloured single lines for a terminal, refused in production.',
    },
    LOG_SLOW_REQUEST_MS: {
      type: 'integer',
      min: 1,
      max: 600_000,
      default: '1000',
      doc: 'Requests slower than this are logged at warn level with slow=true, and never sampled away.',
    },
    SLOW_REQUEST_MS: {
      type: 'string',
      pattern: OPTIONAL_MS,
      default: '',
      doc: 'The former name of LOG_SLOW_REQUEST_MS, still accepted when that is not set.',
    },
    LOG_ACCESS_SAMPLE_RATE: {
      type: 'string',
      pattern: RATE,
      default: '1',
      doc: 'Share (0..1) of fast 2xx/3xx access lines written; 4xx, 5xx and slow requests are always written.',
    },
    LOG_FILE: {
      type: 'string',
      default: '',
      doc: 'Also write the JSON lines to this file (needs LOG_FORMAT=json); with several workers the primary writes it for all.',
    },
    LOG_FILE_ONLY: {
      type: 'boolean',
      default: 'false',
      doc: 'true: write the lines to LOG_FILE instead of stdout.',
    },
    LOG_FILE_ROTATE: {
      type: 'enum',
      values: ['size', 'daily', 'both', 'none'],
      default: 'size',
      doc: 'When the log file is rotated: past LOG_FILE_MAX_SIZE_MB, at midnight UTC, both, or never (external logrotate with SIGUSR2).',
    },
    LOG_FILE_MAX_SIZE_MB: {
      type: 'string',
      pattern: /^\d{1,6}(\.\d+)?$/,
      default: '100',
      doc: 'Size in MB (decimals allowed: 0.5) at which the log file is rotated (LOG_FILE_ROTATE=size or both).',
    },
    LOG_FILE_KEEP: {
      type: 'integer',
      min: 1,
      max: 1000,
      default: '5',
      doc: 'Rotated log files kept (LOG_FILE.1 is the newest); older ones are deleted.',
    },
  },
  build: (values): LogConfig => ({
    level: values.LOG_LEVEL,
    format: values.LOG_FORMAT,
    // Setting both names is refused by the check below, so the old one, when set, is the only one.
    slowRequestMs:
      values.SLOW_REQUEST_MS === '' ? values.LOG_SLOW_REQUEST_MS : Number(values.SLOW_REQUEST_MS),
    accessSampleRate: Number(values.LOG_ACCESS_SAMPLE_RATE),
    file: buildLogFile(values),
  }),
  checks({ log }, env) {
    const problems: string[] = []
    if ((env.SLOW_REQUEST_MS ?? '') !== '' && (env.LOG_SLOW_REQUEST_MS ?? '') !== '')
      problems.push('SLOW_REQUEST_MS: the former name of LOG_SLOW_REQUEST_MS; set only LOG_SLOW_REQUEST_MS')
    if (log.slowRequestMs < 1 || log.slowRequestMs > 600_000)
      problems.push(`SLOW_REQUEST_MS: must be an integer from 1 to 600000 (got "${log.slowRequestMs}")`)
    if (log.file !== undefined && log.format !== 'json')
      problems.push('LOG_FILE: the file holds JSON lines; set LOG_FORMAT=json')
    const fileOnly = ['true', '1'].includes((env.LOG_FILE_ONLY ?? '').trim().toLowerCase())
    if (fileOnly && log.file === undefined)
      problems.push('LOG_FILE_ONLY: needs LOG_FILE, or nothing would be written anywhere')
    return problems
  },
  productionChecks({ log }) {
    const refusals: string[] = []
    if (log.format === 'pretty')
      refusals.push('LOG_FORMAT: pretty logs cannot be parsed by a log shipper; use json')
    if (log.level === 'silent') refusals.push('LOG_LEVEL: silent hides errors and access logs; use info')
    return refusals
  },
})

const MB = 1024 * 1024

function buildLogFile(values: {
  LOG_FILE: string
  LOG_FILE_ONLY: boolean
  LOG_FILE_ROTATE: 'size' | 'daily' | 'both' | 'none'
  LOG_FILE_MAX_SIZE_MB: string
  LOG_FILE_KEEP: number
}): LogFileConfig | undefined {
  const path = optional(values.LOG_FILE)
  if (path === undefined) return undefined
  const rotate = values.LOG_FILE_ROTATE
  return {
    path,
    only: values.LOG_FILE_ONLY,
    maxBytes:
      rotate === 'size' || rotate === 'both'
        ? Math.max(1024, Math.round(Number(values.LOG_FILE_MAX_SIZE_MB) * MB))
        : undefined,
    daily: rotate === 'daily' || rotate === 'both',
    keep: values.LOG_FILE_KEEP,
  }
}
