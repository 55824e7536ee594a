// Builds the accounts module from configuration and composes its parts: users, sessions, two-factor,
// access-token verification and API keys, over one password hasher and one keyring.
import type { FastifyBaseLogger } from 'fastify'
import type { AttemptStore } from '../../platform/auth/attempts.ts'
import { deriveKey } from '../../platform/auth/secrets.ts'
import { createCacheRegistry, type CacheRegistry } from '../../platform/cache/cache.ts'
import { createCursorCodec } from '../../platform/http/cursor.ts'
import type { Config } from '../../platform/config/config.ts'
import type { AnyDatabase } from '../../platform/db/database.ts'
import type { AccountsAuditLog } from './audit.ts'
import { createApiKeysRepo } from './api-keys/repo.ts'
import { createApiKeysService } from './api-keys/service.ts'
import { createLoginGuard } from './login-guard.ts'
import { createMfaService } from './mfa/service.ts'
import { createPasswordHasher } from './passwords.ts'
import type { ScopePolicy } from './scope-policy.ts'
import { createSessionsRepo } from './sessions/repo.ts'
import { createSessionsService } from './sessions/service.ts'
import { createAccessTokens } from './tokens/access-tokens.ts'
import { loadKeyring } from './tokens/keyring.ts'
import { createAccessTokenVerifier } from './tokens/verifier.ts'
import { createUsersRepo } from './users/repo.ts'
import { createUsersService } from './users/service.ts'

export interface AccountsDeps {
  database: AnyDatabase
  audit: AccountsAuditLog
  logger: FastifyBaseLogger
  /** The scopes API keys and users' access tokens may carry (src/scopes.ts). */
  scopes: ScopePolicy
  /** Failed logins per account and per IP. */
  attempts: { account: AttemptStore; ip: AttemptStore }
  /** Where the credential caches are made (their invalidations reach every worker and instance); absent: this process only. */
  caches?: CacheRegistry
}

/** A revoked key or token stops working on every instance within this time. */
export const CREDENTIAL_CACHE_TTL_MS = 1000
/** last_used_at of an API key is written at most this often. */
const KEY_TOUCH_INTERVAL_MS = 60_000
const REALM = 'bulwark'

export async function createAccounts(config: Readonly<Config>, deps: AccountsDeps) {
  const { secretKey } = config.security
  const { audit } = deps
  const pepper = deriveKey(secretKey, 'credential-digest')
  const caches = deps.caches ?? createCacheRegistry()
  const apiKeys = createApiKeysService(createApiKeysRepo(deps.database), {
    pepper,
    cursors: createCursorCodec(secretKey, 'api-keys'),
    audit,
    cacheTtlMs: CREDENTIAL_CACHE_TTL_MS,
    caches,
    touchIntervalMs: KEY_TOUCH_INTERVAL_MS,
    onTouchError: (error) => deps.logger.warn({ error }, 'could not record API key last use'),
  })
  const hasher = createPasswordHasher({
    logN: config.auth.scryptLogN,
    concurrency: config.auth.hashConcurrency,
    queueMax: config.auth.hashQueueMax,
    queueTimeoutMs: config.auth.hashQueueTimeoutMs,
  })
  const keyring = await loadKeyring({
    signingKeyFile: config.auth.signingKeyFile,
    previousKeysFile: config.auth.previousKeysFile,
    secretKey,
  })
  const tokens = createAccessTokens(keyring, {
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    ttlS: config.auth.accessTokenTtlS,
    clockSkewS: config.auth.clockSkewS,
    scopes: deps.scopes.all,
  })
  const usersRepo = createUsersRepo(deps.database)
  const sessionsRepo = createSessionsRepo(deps.database)
  const guard = createLoginGuard({ attempts: deps.attempts, audit, realm: REALM })
  const accessTokens = createAccessTokenVerifier(usersRepo, {
    tokens,
    roleScopes: deps.scopes.byRole,
    csrfKey: deriveKey(secretKey, 'csrf'),
    cacheTtlMs: CREDENTIAL_CACHE_TTL_MS,
    caches,
  })
  const { forgetVerified, csrfToken } = accessTokens
  const users = createUsersService(usersRepo, {
    config: config.auth,
    hasher,
    audit,
    guard,
    sessions: sessionsRepo,
    forgetVerified,
  })
  const mfa = createMfaService(usersRepo, {
    issuer: config.auth.issuer,
    totpKey: deriveKey(secretKey, 'totp-seal'),
    pepper,
    hasher,
    audit,
    guard,
    realm: REALM,
  })
  const sessions = createSessionsService(sessionsRepo, usersRepo, {
    config: config.auth,
    tokens,
    roleScopes: deps.scopes.byRole,
    pepper,
    hasher,
    audit,
    guard,
    realm: REALM,
    secondFactor: mfa.secondFactor,
    csrfToken,
    forgetVerified,
  })
  return { apiKeys, users, sessions, mfa, accessTokens, hasher, keyring }
}

export type Accounts = Awaited<ReturnType<typeof createAccounts>>
