// Who is calling: the identity every service receives once the gate has authenticated the request.

/**
 * The scope names of the service, declared where the app defines them by augmenting this interface
 * (`declare module './platform/auth/principal.ts' { interface ScopeNames { 'plans:read': true } }`, see
 * src/scopes.ts), so routes and services name only scopes that exist. Without any, a scope is any string.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ScopeNames {}
export type Scope = [keyof ScopeNames] extends [never] ? string : Extract<keyof ScopeNames, string>

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

/** Does the principal hold every scope in `required`? Admins hold them all. */
export function hasScopes(principal: Principal, required: readonly Scope[]): boolean {
  if (principal.isAdmin) return true
  return required.every((scope) => principal.scopes.has(scope))
}
