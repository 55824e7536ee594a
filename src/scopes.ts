// The scopes of this service's credentials, and the ones each role of a user holds: the app's vocabulary,
// which the platform's gate checks by name and the accounts module issues.
import type { Scope } from './platform/auth/principal.ts'
import type { ScopePolicy } from './modules/accounts/scope-policy.ts'

/** Every scope a credential can carry. `admin` implies all the others and access to every owner's data. */
export const SCOPES = ['math:read', 'plans:read', 'plans:write', 'admin'] as const

declare module './platform/auth/principal.ts' {
  // The names of SCOPES, so `config.auth.scopes` and services are checked against them.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- its members come from SCOPES
  interface ScopeNames extends Record<(typeof SCOPES)[number], true> {}
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value)
}

/** What accounts issue: any scope on API keys; a user's access tokens carry the scopes of their role. */
export const SCOPE_POLICY: ScopePolicy = {
  all: SCOPES,
  byRole: {
    user: ['math:read', 'plans:read', 'plans:write'],
    admin: ['math:read', 'plans:read', 'plans:write', 'admin'],
  },
}
