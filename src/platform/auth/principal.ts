// Who is calling: the identity every service receives once the gate has authenticated the request.

/** Every scope a credential can carry. `admin` implies all the others and access to every owner's data. */
export const SCOPES = ['math:read', 'plans:read', 'plans:write', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

export interface Principal {
  /** Stable identifier stored as the owner of what this caller creates. */
  id: string
  kind: 'anonymous' | 'user' | 'api_key'
  isAdmin: boolean
  scopes: ReadonlySet<Scope>
  /** The credential itself: the API key's id, or the access token's jti. */
  credentialId: string | undefined
  /** Users only: the login session (refresh-token family) the access token belongs to. */
  sessionId?: string
  /** Users only: when the access token expires (ms since the epoch), for deny-listing it until then. */
  expiresAt?: number
  /** Users only: a second factor was verified at login. */
  mfa?: boolean
  /** How the credential arrived; cookie credentials need a CSRF token on unsafe methods. */
  via?: 'header' | 'cookie'
}

/** The principal of public routes: nobody in particular. */
export const ANONYMOUS: Principal = Object.freeze({
  id: 'anonymous',
  kind: 'anonymous',
  isAdmin: false,
  scopes: new Set<Scope>(),
  credentialId: undefined,
})

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value)
}

/** Does the principal hold every scope in `required`? Admins hold them all. */
export function hasScopes(principal: Principal, required: readonly Scope[]): boolean {
  if (principal.isAdmin) return true
  return required.every((scope) => principal.scopes.has(scope))
}
