// The typed, frozen configuration every part of Bulwark receives a slice of.
import type { NodeEnv } from './schema.ts'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface ServerConfig {
  host: string
  port: number
  /** Addresses/CIDRs of trusted reverse proxies; empty trusts none. */
  trustProxy: readonly string[]
  requestTimeoutMs: number
  headersTimeoutMs: number
  keepAliveTimeoutMs: number
  handlerTimeoutMs: number
  compressionThresholdBytes: number
  bodyLimitBytes: number
  maxHeaderSizeBytes: number
  /** Most header lines a request may have (MAX_HEADER_COUNT). */
  maxHeaderCount: number
  /** Show an unexpected error's message (never its stack) in 500 bodies; development only. */
  exposeInternalErrors: boolean
}

export interface SecurityConfig {
  /** Exact origins allowed by CORS; '*' only outside production. */
  corsOrigins: readonly string[]
  secretKey: string
  /** SECRET_KEY was not set: a random one was made up (outside production only). */
  secretKeyGenerated: boolean
  /** HSTS is sent only where TLS is guaranteed in front of the service (production). */
  hsts: boolean
}

export interface AuthConfig {
  registration: 'open' | 'admin' | 'closed'
  passwordMinLength: number
  scryptLogN: number
  hashConcurrency: number
  hashQueueMax: number
  hashQueueTimeoutMs: number
  accessTokenTtlS: number
  refreshTokenTtlS: number
  issuer: string
  audience: string
  signingKeyFile: string | undefined
  previousKeysFile: string | undefined
  clockSkewS: number
  adminMfa: 'optional' | 'required'
  cookies: boolean
  lockout: { accountThreshold: number; ipThreshold: number; baseS: number; maxS: number }
}

export interface DatabaseConfig {
  /** PostgreSQL URL; undefined selects embedded PGlite under dataDir. */
  url: string | undefined
  dataDir: string
  poolMax: number
  poolMin: number
  idleTimeoutMs: number
  connectTimeoutMs: number
  statementTimeoutMs: number
  maxLifetimeS: number
  /** verify-full by default in production; disable there only when set explicitly. */
  ssl: 'disable' | 'verify-full'
  sslCaFile: string | undefined
  migrateOnStart: boolean
  expectedInstances: number
  /** What an over-budget connection pool does at start: refuse in production, warn elsewhere. */
  budgetPolicy: 'warn' | 'refuse'
}

export interface LogConfig {
  level: LogLevel
  format: 'json' | 'pretty'
  slowRequestMs: number
}

export interface MathLimits {
  maxExpressionLength: number
  maxNodes: number
  maxResultElements: number
  maxStatisticsValues: number
  maxFibonacciN: number
}

export interface LifecycleConfig {
  gracePeriodS: number
  drainDelayMs: number
  shutdownTimeoutMs: number
}

export interface Config {
  env: NodeEnv
  server: ServerConfig
  security: SecurityConfig
  auth: AuthConfig
  db: DatabaseConfig
  log: LogConfig
  math: MathLimits
  lifecycle: LifecycleConfig
  docs: { enabled: boolean; public: boolean }
}

/** Time kept back from the grace period for closing resources and flushing logs after the drain. */
export const SHUTDOWN_CLOSE_MARGIN_MS = 2000
