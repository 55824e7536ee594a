// Reads the environment into a Config: every problem is collected and reported at once.
import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import type { Config, LogLevel } from './config.ts'
import {
  defaultOf,
  NODE_ENVS,
  VARIABLES,
  type NodeEnv,
  type VariableName,
  type VariableSpec,
} from './schema.ts'
import { checkConfig } from './checks.ts'
import { unknownSettingWarnings } from './unknown-settings.ts'

export type Environment = Readonly<Record<string, string | undefined>>

export type LoadResult =
  | { ok: true; config: Readonly<Config>; warnings: string[] }
  | { ok: false; problems: string[]; warnings: string[] }

/** Exit code for an invalid configuration (EX_CONFIG from sysexits.h). */
export const CONFIG_EXIT_CODE = 78

type Values = Record<VariableName, string | number | boolean | readonly string[]>

/** Loads and validates the configuration; never throws for bad input, never reads process.env itself. */
export function loadConfig(env: Environment): LoadResult {
  const problems: string[] = []
  const nodeEnv = readNodeEnv(env)
  const values = {} as Values
  for (const [name, spec] of Object.entries(VARIABLES) as [VariableName, VariableSpec][]) {
    const raw = readRaw(name, spec, env, nodeEnv, problems)
    const parsed = parseValue(name, spec, raw, problems)
    if (parsed !== undefined) values[name] = parsed
  }
  const warnings = unknownSettingWarnings(Object.keys(env))
  if (problems.length > 0) return { ok: false, problems, warnings }

  const config = toConfig(values, nodeEnv)
  const check = checkConfig(config)
  warnings.push(...check.warnings)
  // libuv's pool (UV_THREADPOOL_SIZE, read by Node itself) must keep threads free of password hashing.
  const threadPool = Number(env.UV_THREADPOOL_SIZE ?? '4')
  if (Number.isInteger(threadPool) && config.auth.hashConcurrency >= threadPool) {
    check.problems.push(
      `AUTH_HASH_CONCURRENCY: must be below UV_THREADPOOL_SIZE (${threadPool}), or hashing would leave DNS and file I/O no thread`,
    )
  }
  if (check.problems.length > 0) return { ok: false, problems: check.problems, warnings }
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

function parseValue(
  name: string,
  spec: VariableSpec,
  raw: string,
  problems: string[],
): string | number | boolean | readonly string[] | undefined {
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

function toConfig(values: Values, env: NodeEnv): Config {
  const int = (name: VariableName) => values[name] as number
  const str = (name: VariableName) => values[name] as string
  const list = (name: VariableName) => values[name] as readonly string[]
  let secretKey = str('SECRET_KEY')
  const secretKeyGenerated = secretKey === '' && env !== 'production'
  if (secretKeyGenerated) {
    // Outside production a missing secret is replaced by a random one for this process only (and kept in
    // DATA_DIR by withPersistentDevelopmentSecret, which says so once, when it creates the file).
    secretKey = randomBytes(48).toString('base64')
  }
  return {
    env,
    server: {
      host: str('HOST'),
      port: int('PORT'),
      trustProxy: list('TRUST_PROXY'),
      requestTimeoutMs: int('REQUEST_TIMEOUT_MS'),
      headersTimeoutMs: int('HEADERS_TIMEOUT_MS'),
      keepAliveTimeoutMs: int('KEEP_ALIVE_TIMEOUT_MS'),
      handlerTimeoutMs: int('HANDLER_TIMEOUT_MS'),
      compressionThresholdBytes: int('COMPRESSION_THRESHOLD_BYTES'),
      bodyLimitBytes: int('BODY_LIMIT_BYTES'),
      maxHeaderSizeBytes: int('MAX_HEADER_SIZE_BYTES'),
      maxHeaderCount: int('MAX_HEADER_COUNT'),
      exposeInternalErrors: env === 'development',
    },
    security: {
      corsOrigins: list('CORS_ORIGINS'),
      secretKey,
      secretKeyGenerated,
      hsts: env === 'production',
    },
    auth: {
      registration: str('AUTH_REGISTRATION') as 'open' | 'admin' | 'closed',
      passwordMinLength: int('AUTH_PASSWORD_MIN_LENGTH'),
      scryptLogN: int('AUTH_SCRYPT_LOG_N'),
      hashConcurrency: int('AUTH_HASH_CONCURRENCY'),
      hashQueueMax: int('AUTH_HASH_QUEUE_MAX'),
      hashQueueTimeoutMs: int('AUTH_HASH_QUEUE_TIMEOUT_MS'),
      accessTokenTtlS: int('AUTH_ACCESS_TOKEN_TTL_S'),
      refreshTokenTtlS: int('AUTH_REFRESH_TOKEN_TTL_S'),
      issuer: str('AUTH_JWT_ISSUER'),
      audience: str('AUTH_JWT_AUDIENCE'),
      signingKeyFile: optional(str('AUTH_JWT_SIGNING_KEY_FILE')),
      previousKeysFile: optional(str('AUTH_JWT_PREVIOUS_KEYS_FILE')),
      clockSkewS: int('AUTH_CLOCK_SKEW_S'),
      adminMfa: str('AUTH_ADMIN_MFA') as 'optional' | 'required',
      cookies: values.AUTH_COOKIES as boolean,
      lockout: {
        accountThreshold: int('AUTH_LOCKOUT_THRESHOLD'),
        ipThreshold: int('AUTH_LOCKOUT_IP_THRESHOLD'),
        baseS: int('AUTH_LOCKOUT_BASE_S'),
        maxS: int('AUTH_LOCKOUT_MAX_S'),
      },
    },
    db: {
      url: str('DATABASE_URL') === '' ? undefined : str('DATABASE_URL'),
      dataDir: str('DATA_DIR'),
      poolMax: int('DB_POOL_MAX'),
      poolMin: int('DB_POOL_MIN'),
      idleTimeoutMs: int('DB_IDLE_TIMEOUT_MS'),
      connectTimeoutMs: int('DB_CONNECT_TIMEOUT_MS'),
      statementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS'),
      maxLifetimeS: int('DB_POOL_MAX_LIFETIME_S'),
      ssl: str('DB_SSL') as 'disable' | 'verify-full',
      sslCaFile: str('DB_SSL_CA_FILE') === '' ? undefined : str('DB_SSL_CA_FILE'),
      migrateOnStart: values.MIGRATE_ON_START as boolean,
      expectedInstances: int('EXPECTED_INSTANCES'),
      budgetPolicy: env === 'production' ? 'refuse' : 'warn',
    },
    log: {
      level: str('LOG_LEVEL') as LogLevel,
      format: str('LOG_FORMAT') as 'json' | 'pretty',
      slowRequestMs: int('SLOW_REQUEST_MS'),
    },
    math: {
      maxExpressionLength: int('MATH_EXPRESSION_MAX_LENGTH'),
      maxNodes: int('MATH_EXPRESSION_MAX_NODES'),
      maxResultElements: int('MATH_RESULT_MAX_ELEMENTS'),
      maxStatisticsValues: int('MATH_STATISTICS_MAX_VALUES'),
      maxFibonacciN: int('MATH_FIBONACCI_MAX_N'),
    },
    lifecycle: {
      gracePeriodS: int('SHUTDOWN_GRACE_PERIOD_S'),
      drainDelayMs: int('SHUTDOWN_DRAIN_DELAY_MS'),
      shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS'),
    },
    docs: { enabled: values.DOCS_ENABLED as boolean, public: values.DOCS_PUBLIC as boolean },
  }
}

function optional(value: string): string | undefined {
  return value === '' ? undefined : value
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
  return (Object.entries(VARIABLES) as [VariableName, VariableSpec][]).map(([name, spec]) => {
    const set = env[name] ?? ''
    const file = `${name}_FILE`
    if (spec.secret === true && (env[file] ?? '') !== '')
      return `${name}=[redacted]  (from ${file}, ${origin(file)})`
    if (set === '')
      return spec.secret === true ? `${name}=(not set)` : `${name}=${defaultOf(spec, nodeEnv)}  (default)`
    return `${name}=${spec.secret === true ? '[redacted]' : set}  (${origin(name)})`
  })
}
