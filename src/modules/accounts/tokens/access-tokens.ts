// Access tokens: short-lived JWTs (RFC 9068 profile) signed with EdDSA or ES256. Verification pins the
// algorithms, requires every claim, and resolves the key by kid only among the keyring's keys.
import { randomUUID } from 'node:crypto'
import type { JWTHeaderParameters } from 'jose'
import type { Scope } from '../../../platform/auth/principal.ts'
import { isUuid } from '../../../platform/http/ids.ts'
import { ALGORITHMS, type Keyring } from './keyring.ts'

export interface AccessTokenOptions {
  issuer: string
  audience: string
  ttlS: number
  clockSkewS: number
  /** Every scope a token may name; a token naming another is invalid. */
  scopes: readonly Scope[]
}

export interface AccessClaims {
  sub: string
  jti: string
  sid: string
  /** The user's token version when issued; a later bump (logout-all, password change) kills the token. */
  ver: number
  scopes: Scope[]
  /** Authentication methods: ['pwd'] or ['pwd', 'otp']. */
  amr: string[]
  exp: number
}

const TOKEN_TYPE = 'at+jwt'
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'exp', 'iat', 'nbf', 'jti', 'scope', 'sid', 'ver']

/** jose, loaded by the first token signed or verified rather than at every worker's start (then kept). */
let jose: Promise<typeof import('jose')> | undefined
const loadJose = () => (jose ??= import('jose'))

export function createAccessTokens(keyring: Keyring, options: AccessTokenOptions) {
  const { issuer, audience, ttlS, clockSkewS } = options
  const known: ReadonlySet<string> = new Set(options.scopes)
  const isScope = (value: string): value is Scope => known.has(value)

  function keyOf(header: JWTHeaderParameters) {
    const entry = header.kid === undefined ? undefined : keyring.verify.get(header.kid)
    // An unknown kid, or a known kid with another algorithm than its key's, never verifies.
    return entry === undefined || entry.alg !== header.alg ? undefined : entry.key
  }

  return {
    async sign(
      claims: Omit<AccessClaims, 'jti' | 'exp'>,
    ): Promise<{ token: string; jti: string; exp: number }> {
      const jti = randomUUID()
      const now = Math.floor(Date.now() / 1000)
      const exp = now + ttlS
      const { SignJWT } = await loadJose()
      const token = await new SignJWT({
        scope: claims.scopes.join(' '),
        sid: claims.sid,
        ver: claims.ver,
        amr: claims.amr,
      })
        .setProtectedHeader({ alg: keyring.signing.alg, kid: keyring.signing.kid, typ: TOKEN_TYPE })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(claims.sub)
        .setJti(jti)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(exp)
        .sign(keyring.signing.key)
      return { token, jti, exp }
    },

    /** The claims of a valid token; undefined for any token that fails any check. */
    async verify(token: string): Promise<AccessClaims | undefined> {
      const { errors, jwtVerify } = await loadJose()
      const resolveKey = (header: JWTHeaderParameters) => {
        const key = keyOf(header)
        if (key === undefined) throw new errors.JWKSNoMatchingKey()
        return key
      }
      try {
        const { payload } = await jwtVerify(token, resolveKey, {
          issuer,
          audience,
          algorithms: [...ALGORITHMS],
          typ: TOKEN_TYPE,
          clockTolerance: clockSkewS,
          requiredClaims: REQUIRED_CLAIMS,
        })
        const { sub, jti, sid, ver, scope, amr, exp } = payload
        // sub, sid and jti reach SQL as uuid parameters: anything else is an invalid token (401), not a
        // failed cast (500), even when a trusted key signed it.
        if (!isUuidClaim(sub) || !isUuidClaim(jti) || !isUuidClaim(sid)) return undefined
        if (typeof ver !== 'number' || !Number.isSafeInteger(ver)) return undefined
        if (typeof scope !== 'string' || typeof exp !== 'number') return undefined
        const scopes = scope === '' ? [] : scope.split(' ')
        if (!scopes.every(isScope)) return undefined
        const methods = Array.isArray(amr)
          ? amr.filter((method): method is string => typeof method === 'string')
          : []
        return { sub, jti, sid, ver, scopes, amr: methods, exp }
      } catch {
        return undefined
      }
    },
  }
}

export type AccessTokens = ReturnType<typeof createAccessTokens>

function isUuidClaim(value: unknown): value is string {
  return typeof value === 'string' && isUuid(value)
}
