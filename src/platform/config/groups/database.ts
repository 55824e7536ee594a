// PostgreSQL (or embedded PGlite): where it is, the pool, its timeouts, TLS and migrations at start.
import { defineGroup } from '../group.ts'
import { optional, perEnv } from '../variable.ts'

export interface DatabaseConfig {
  /** PostgreSQL URL; undefined selects embedded PGlite under dataDir. */
  url: string | undefined
  dataDir: string
  poolMax: number
  poolMin: number
  idleTimeoutMs: number
  connectTimeoutMs: number
  statementTimeoutMs: number
  /** Statements slower than this are logged at warn with their SQL text (never parameters); 0: off. */
  slowQueryMs: number
  maxLifetimeS: number
  /** verify-full by default in production; disable there only when set explicitly. */
  ssl: 'disable' | 'verify-full'
  sslCaFile: string | undefined
  migrateOnStart: boolean
  expectedInstances: number
  /** Processes with a pool of their own per instance: WORKERS, set by the server (1 for the CLI). */
  poolsPerInstance: number
  /** What an over-budget connection pool does at start: refuse in production, warn elsewhere. */
  budgetPolicy: 'warn' | 'refuse'
}

/** TLS settings in the URL would silently override DB_SSL (pg merges them over the explicit options). */
const URL_TLS_PARAMETERS = [
  'ssl',
  'sslmode',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslnegotiation',
  'sslpassword',
]

export const databaseGroup = defineGroup({
  section: 'database',
  prefixes: ['DB_', 'MIGRATE_'],
  variables: {
    DATABASE_URL: {
      type: 'string',
      secret: true,
      default: '',
      doc: 'PostgreSQL connection URL (postgres://user:password@host:5432/db). Unset: embedded PGlite under DATA_DIR (development only; required in production). Also read from DATABASE_URL_FILE.',
    },
    DATA_DIR: {
      type: 'string',
      default: perEnv('./data', './data', 'memory://'),
      doc: 'Where embedded PGlite keeps its files when DATABASE_URL is unset; memory:// keeps nothing.',
    },
    DB_POOL_MAX: {
      type: 'integer',
      min: 1,
      max: 1000,
      default: '10',
      doc: 'Most PostgreSQL connections this process opens. Times the number of processes it must fit max_connections (checked at start).',
    },
    DB_POOL_MIN: {
      type: 'integer',
      min: 0,
      max: 1000,
      default: '0',
      doc: 'Connections kept open even when idle.',
    },
    DB_IDLE_TIMEOUT_MS: {
      type: 'integer',
      min: 1000,
      max: 3_600_000,
      default: '10000',
      doc: 'An idle pooled connection is closed after this long.',
    },
    DB_CONNECT_TIMEOUT_MS: {
      type: 'integer',
      min: 100,
      max: 60_000,
      default: '2000',
      doc: 'Longest wait for a connection (a free pooled one or a new one); past it the request gets 503 DATABASE_UNAVAILABLE. Must be shorter than HANDLER_TIMEOUT_MS.',
    },
    DB_STATEMENT_TIMEOUT_MS: {
      type: 'integer',
      min: 100,
      max: 600_000,
      default: '5000',
      doc: 'PostgreSQL cancels any statement running longer (statement_timeout); the client also gives up after this plus a second.',
    },
    DB_SLOW_QUERY_MS: {
      type: 'integer',
      min: 0,
      max: 600_000,
      default: '500',
      doc: 'A statement that takes longer is logged at warn with its SQL text (placeholders, never the parameters), duration and request id; 0 turns it off.',
    },
    DB_POOL_MAX_LIFETIME_S: {
      type: 'integer',
      min: 0,
      max: 86_400,
      default: '1800',
      doc: 'A connection is replaced after this long (0: never), so fail-overs and DNS changes are picked up.',
    },
    DB_SSL: {
      type: 'enum',
      values: ['disable', 'verify-full'],
      default: perEnv('disable', 'verify-full', 'disable'),
      doc: 'TLS to PostgreSQL: verify-full checks the certificate and host name (required in production unless explicitly set to disable).',
    },
    DB_SSL_CA_FILE: {
      type: 'string',
      default: '',
      doc: 'PEM file with the CA that signed the PostgreSQL server certificate; empty uses the system CAs.',
    },
    MIGRATE_ON_START: {
      type: 'boolean',
      default: perEnv('true', 'false', 'true'),
      doc: 'Apply pending migrations at start (an advisory lock keeps concurrent instances safe); in production run `npx bulwark migrate` as a release step instead.',
    },
    EXPECTED_INSTANCES: {
      type: 'integer',
      min: 1,
      max: 10_000,
      default: '1',
      doc: 'How many instances (replicas, each with WORKERS workers) share the database: the connection budget check counts DB_POOL_MAX × WORKERS × EXPECTED_INSTANCES.',
    },
  },
  build: (values, env): DatabaseConfig => ({
    url: optional(values.DATABASE_URL),
    dataDir: values.DATA_DIR,
    poolMax: values.DB_POOL_MAX,
    poolMin: values.DB_POOL_MIN,
    idleTimeoutMs: values.DB_IDLE_TIMEOUT_MS,
    connectTimeoutMs: values.DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: values.DB_STATEMENT_TIMEOUT_MS,
    slowQueryMs: values.DB_SLOW_QUERY_MS,
    maxLifetimeS: values.DB_POOL_MAX_LIFETIME_S,
    ssl: values.DB_SSL,
    sslCaFile: optional(values.DB_SSL_CA_FILE),
    migrateOnStart: values.MIGRATE_ON_START,
    expectedInstances: values.EXPECTED_INSTANCES,
    poolsPerInstance: 1,
    budgetPolicy: env === 'production' ? 'refuse' : 'warn',
  }),
  checks({ db, server }) {
    const problems: string[] = []
    if (db.poolMin > db.poolMax) problems.push('DB_POOL_MIN: must not exceed DB_POOL_MAX')
    if (db.connectTimeoutMs >= server.handlerTimeoutMs) {
      problems.push(
        'DB_CONNECT_TIMEOUT_MS: must be shorter than HANDLER_TIMEOUT_MS, so a request waiting for a connection gets 503 DATABASE_UNAVAILABLE rather than a handler timeout',
      )
    }
    if (db.url !== undefined) problems.push(...checkDatabaseUrl(db.url))
    return problems
  },
  productionChecks({ db }) {
    if (db.url !== undefined) return []
    return ['DATABASE_URL: required; embedded PGlite serves one process and is meant for development']
  },
})

function checkDatabaseUrl(url: string): string[] {
  const parsed = URL.parse(url)
  if (parsed === null || !/^postgres(ql)?:$/.test(parsed.protocol)) {
    return ['DATABASE_URL: must be a postgres:// or postgresql:// URL']
  }
  const tls = URL_TLS_PARAMETERS.filter((name) => parsed.searchParams.has(name))
  return tls.length === 0
    ? []
    : [`DATABASE_URL: remove ${tls.join(', ')} from the URL; TLS is set by DB_SSL and DB_SSL_CA_FILE only`]
}
