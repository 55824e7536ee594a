// The typed, frozen configuration every part of Bulwark receives a slice of; each slice is declared, with
// its variables, in the group that builds it (groups/*.ts).
import type { AdminConfig } from './groups/admin.ts'
import type { AuthConfig } from './groups/auth.ts'
import type { BreakerConfig } from './groups/breakers.ts'
import type { CacheConfig } from './groups/cache.ts'
import type { DatabaseConfig } from './groups/database.ts'
import type { DocsConfig } from './groups/docs.ts'
import type { LifecycleConfig } from './groups/lifecycle.ts'
import type { LogConfig } from './groups/logging.ts'
import type { MathLimits } from './groups/math.ts'
import type { OverloadConfig } from './groups/overload.ts'
import type { RateLimitConfig } from './groups/rate-limit.ts'
import type { RedisConfig } from './groups/redis.ts'
import type { SecurityConfig } from './groups/security.ts'
import type { ServerConfig } from './groups/server.ts'
import type { WorkersConfig } from './groups/workers.ts'
import type { NodeEnv } from './variable.ts'

export type { AdminConfig } from './groups/admin.ts'
export type { AuthConfig } from './groups/auth.ts'
export type { BreakerConfig } from './groups/breakers.ts'
export type { CacheConfig } from './groups/cache.ts'
export type { DatabaseConfig } from './groups/database.ts'
export type { DocsConfig } from './groups/docs.ts'
export type { LifecycleConfig } from './groups/lifecycle.ts'
export type { LogConfig, LogLevel } from './groups/logging.ts'
export type { MathLimits } from './groups/math.ts'
export type { OverloadConfig } from './groups/overload.ts'
export type { RedisConfig } from './groups/redis.ts'
export type { SecurityConfig } from './groups/security.ts'
export type { ServerConfig } from './groups/server.ts'
export type { WorkersConfig } from './groups/workers.ts'

export interface Config {
  env: NodeEnv
  server: ServerConfig
  security: SecurityConfig
  auth: AuthConfig
  db: DatabaseConfig
  redis: RedisConfig
  breakers: BreakerConfig
  cache: CacheConfig
  log: LogConfig
  math: MathLimits
  rateLimit: RateLimitConfig
  overload: OverloadConfig
  lifecycle: LifecycleConfig
  workers: WorkersConfig
  admin: AdminConfig
  docs: DocsConfig
}
