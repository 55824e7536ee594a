// Who is calling: the identity every service receives, and the anonymous caller before authentication.

export interface Principal {
  /** Stable identifier stored as the owner of what this caller creates. */
  id: string
  kind: 'anonymous' | 'user' | 'api_key'
  isAdmin: boolean
}

/** Every request's principal until the authentication gate (issue 4) identifies callers. */
export const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', kind: 'anonymous', isAdmin: false })
