// What each role may do: the scopes a user's access token carries (and the most it is ever trusted with).
import type { Scope } from '../../platform/auth/principal.ts'
import type { Role } from './tables.ts'

export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  user: ['math:read', 'plans:read', 'plans:write'],
  admin: ['math:read', 'plans:read', 'plans:write', 'admin'],
}
