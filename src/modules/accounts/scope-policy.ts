// The scopes accounts may issue, given by the app (src/scopes.ts): the service's vocabulary, not the module's.
import type { Scope } from '../../platform/auth/principal.ts'
import type { Role } from './tables.ts'

export interface ScopePolicy {
  /** Every scope an API key may carry; an access token naming any other is invalid. */
  all: readonly Scope[]
  /** The scopes a user's access tokens carry, and the most they are trusted with when the role shrinks. */
  byRole: Readonly<Record<Role, readonly Scope[]>>
}
