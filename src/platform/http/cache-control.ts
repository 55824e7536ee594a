// Cache-Control of every response, decided here and nowhere else: what a browser or a shared cache may keep.

/** The values the API sends; a route picks another with `config.cacheControl` (e.g. public documents). */
export const CACHE_CONTROL = {
  /**
   * Nothing may be stored anywhere: credentials (tokens, keys), personal data (me, sessions), every
   * error, every public endpoint (login, health) and every unsafe method's response.
   */
  noStore: 'no-store',
  /** Authenticated reads: only the caller's own cache may keep them, revalidated each time (ETags). */
  privateRevalidate: 'private, no-cache',
} as const

/** What cacheControlOf reads of a route's config. */
export interface CacheControlConfig {
  public?: boolean
  cacheControl?: string
}

/**
 * The Cache-Control of a successful response to `method` on a route with this config: the route's own
 * choice, else private revalidation for authenticated GET/HEAD and no-store for everything else.
 * Errors are always no-store (platform/errors sets it where it writes the body).
 */
const isRead = (method: string) => method === 'GET' || method === 'HEAD'

export function cacheControlOf(method: string | readonly string[], config: CacheControlConfig | undefined) {
  if (config?.cacheControl !== undefined) return config.cacheControl
  if (config?.public === true) return CACHE_CONTROL.noStore
  const reads = typeof method === 'string' ? isRead(method) : method.every(isRead)
  return reads ? CACHE_CONTROL.privateRevalidate : CACHE_CONTROL.noStore
}
