// Access-token verification for the gate: signature and claims, then the token's revocation state, both
// remembered for at most cacheTtlMs; and the CSRF token that belongs to a cookie session.
import type { Principal, Scope } from '../../../platform/auth/principal.ts'
import { digestOf } from '../../../platform/auth/secrets.ts'
import type { CacheRegistry } from '../../../platform/cache/cache.ts'
import type { Role } from '../tables.ts'
import type { TokenState, UsersRepo } from '../users/repo.ts'
import type { AccessTokens } from './access-tokens.ts'

export interface AccessTokenVerifierOptions {
  tokens: AccessTokens
  /** The scopes each role may hold now: a token never carries more, whatever it was issued with. */
  roleScopes: Readonly<Record<Role, readonly Scope[]>>
  /** Derived from SECRET_KEY ('csrf'). */
  csrfKey: Buffer
  /** How stale a token's revocation state may be (every instance sees a logout within this time). */
  cacheTtlMs: number
  /** Where its caches are made; their invalidations (logout, password change) reach every process. */
  caches: CacheRegistry
}

const MAX_CACHED_TOKENS = 10_000
/** The cached answer for a token whose user or session does not exist (a cache holds objects only). */
const NO_STATE = Object.freeze({ none: true })

interface TokenStateEntry {
  state: TokenState
  principal: Principal
  fetchedAt: number
}

export function createAccessTokenVerifier(
  users: Pick<UsersRepo, 'tokenState'>,
  options: AccessTokenVerifierOptions,
) {
  const { tokens, roleScopes } = options
  const cache = { ttlMs: options.cacheTtlMs, maxEntries: MAX_CACHED_TOKENS }
  /** Each token's revocation state and principal by jti (NO_STATE: no such user or session). */
  const tokenStates = options.caches.create<TokenStateEntry | typeof NO_STATE>({
    name: 'access-token-states',
    ...cache,
  })
  /** Whole tokens that passed every check, until their state is cacheTtlMs old. */
  const verifiedTokens = options.caches.create<Principal>({ name: 'access-tokens', ...cache })

  async function verifyUncached(token: string): Promise<Principal | undefined> {
    const claims = await tokens.verify(token)
    if (claims === undefined) return undefined
    // Read through the cache: a logout while the state is read is not cached over (Cache.fetch).
    const entry = await tokenStates.fetch(
      claims.jti,
      async () => {
        const fetchedAt = Date.now()
        const state = await users.tokenState(claims.sub, claims.sid, claims.jti)
        if (state === undefined) return NO_STATE
        // Roles can shrink after issue: a token never carries more than the user's current role allows.
        const allowed = roleScopes[state.role]
        const scopes = new Set(claims.scopes.filter((scope) => allowed.includes(scope)))
        return {
          state,
          fetchedAt,
          principal: Object.freeze({
            id: claims.sub,
            kind: 'user',
            isAdmin: scopes.has('admin'),
            scopes,
            credentialId: claims.jti,
            sessionId: claims.sid,
            expiresAt: claims.exp * 1000,
            mfa: claims.amr.includes('otp'),
          }),
        } satisfies TokenStateEntry
      },
      // Each request that misses reads the state itself: the `postgres` breaker sees an outage per request.
      { coalesce: false },
    )
    if (entry === undefined || 'none' in entry) return undefined
    const { state } = entry
    if (state.denied || !state.sessionActive || state.tokenVersion !== claims.ver) return undefined
    verifiedTokens.set(token, entry.principal, entry.fetchedAt)
    return entry.principal
  }

  return {
    /**
     * The gate's verifier: the principal of a valid, unrevoked access token. A token verified in the last
     * cacheTtlMs (against state read no longer ago than that) answers from memory, synchronously.
     */
    verifyAccessToken(token: string): Principal | undefined | Promise<Principal | undefined> {
      const hit = verifiedTokens.get(token)
      if (hit !== undefined && hit.expiresAt !== undefined && hit.expiresAt > Date.now()) return hit
      return verifyUncached(token)
    },

    /** The CSRF token of a cookie session: the client echoes it in X-CSRF-Token. */
    csrfToken: (sessionId: string): string => digestOf(options.csrfKey, sessionId),

    /** Forgets what was verified, at once, when a user revokes tokens (elsewhere within cacheTtlMs). */
    forgetVerified: (jti: string | undefined): void => {
      if (jti !== undefined) tokenStates.invalidate(jti)
      // Keyed by whole tokens, which never travel on the bus: forget them all (revocations are rare).
      verifiedTokens.invalidateAll()
    },
  }
}

export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>
