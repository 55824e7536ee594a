// Builds the accounts module from configuration: password hasher, signing keys, API keys, users and tokens.
import type { FastifyBaseLogger } from 'fastify'
import type { AttemptStore } from '../../platform/auth/attempts.ts'
import type { AuditLog } from '../../platform/auth/audit.ts'
import { deriveKey } from '../../platform/auth/secrets.ts'
import { createCursorCodec } from '../../platform/http/cursor.ts'
import type { Config } from '../../platform/config/config.ts'
import type { AnyDatabase } from '../../platform/db/database.ts'
import { createApiKeysRepo } from './api-keys/repo.ts'
import { createApiKeysService } from './api-keys/service.ts'
import { createPasswordHasher } from './passwords.ts'
import { createAuthService } from './service.ts'
import { loadKeyring } from './tokens/keyring.ts'

export interface AccountsDeps {
  database: AnyDatabase
  audit: AuditLog
  logger: FastifyBaseLogger
  /** Failed logins per account and per IP. */
  attempts: { account: AttemptStore; ip: AttemptStore }
}

/** A revoked key or token stops working on every instance within this time. */
export const CREDENTIAL_CACHE_TTL_MS = 1000
/** last_used_at of an API key is written at most this often. */
const KEY_TOUCH_INTERVAL_MS = 60_000

export async function createAccounts(config: Readonly<Config>, deps: AccountsDeps) {
  const { secretKey } = config.security
  const apiKeys = createApiKeysService(createApiKeysRepo(deps.database), {
    pepper: deriveKey(secretKey, 'credential-digest'),
    cursors: createCursorCodec(secretKey, 'api-keys'),
    audit: deps.audit,
    cacheTtlMs: CREDENTIAL_CACHE_TTL_MS,
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
  const auth = createAuthService(deps.database, {
    config: config.auth,
    secretKey,
    keyring,
    hasher,
    audit: deps.audit,
    attempts: deps.attempts,
    tokenStateTtlMs: CREDENTIAL_CACHE_TTL_MS,
    realm: 'bulwark',
  })
  return { apiKeys, auth, hasher, keyring }
}

export type Accounts = Awaited<ReturnType<typeof createAccounts>>
