// CORS allow-list (Fetch standard §3.2): exact origins only, preflights answered before routing.

export interface CorsOptions {
  /** Exact origins allowed; '*' allows any origin (refused in production by config). */
  origins: readonly string[]
  /** How long browsers may cache a preflight answer. */
  maxAgeS: number
}

export interface CorsPolicy {
  /** Headers to add to a normal (non-preflight) response, or undefined when none apply. */
  responseHeaders(origin: string | undefined): Readonly<Record<string, string>> | undefined
  /** For a preflight: the headers to answer 204 with, or undefined when the origin is not allowed. */
  preflightHeaders(origin: string, requestedHeaders: string | undefined): Record<string, string> | undefined
}

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE'
const EXPOSED_HEADERS = 'X-Request-ID, ETag, Location, Retry-After, RateLimit-Policy, RateLimit'
/** Request header names a browser may ask for; anything else in a preflight is not granted. */
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/

export function createCorsPolicy(options: CorsOptions): CorsPolicy {
  const anyOrigin = options.origins.includes('*')
  const allowed = new Set(options.origins)
  const isAllowed = (origin: string) => anyOrigin || allowed.has(origin)
  // Credentials are never combined with '*': a wildcard grants the origin without cookies.
  const allowCredentials = !anyOrigin
  const cache = new Map<string, Readonly<Record<string, string>>>()

  function responseHeaders(origin: string | undefined) {
    if (origin === undefined || !isAllowed(origin)) return undefined
    let headers = cache.get(origin)
    if (headers === undefined) {
      headers = Object.freeze({
        'access-control-allow-origin': anyOrigin ? '*' : origin,
        ...(allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
        'access-control-expose-headers': EXPOSED_HEADERS,
        vary: 'Origin',
      })
      if (cache.size < 1000) cache.set(origin, headers)
    }
    return headers
  }

  function preflightHeaders(origin: string, requestedHeaders: string | undefined) {
    if (!isAllowed(origin)) return undefined
    const names = (requestedHeaders ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => HEADER_NAME.test(name))
      .slice(0, 32)
    return {
      'access-control-allow-origin': anyOrigin ? '*' : origin,
      ...(allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
      'access-control-allow-methods': ALLOWED_METHODS,
      ...(names.length > 0 ? { 'access-control-allow-headers': names.join(', ') } : {}),
      'access-control-max-age': String(options.maxAgeS),
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    }
  }

  return { responseHeaders, preflightHeaders }
}
