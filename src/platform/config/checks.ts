// Cross-setting rules and the production refusals: an insecure production setting stops the start.
import { isIP } from 'node:net'
import { SHUTDOWN_CLOSE_MARGIN_MS, type Config } from './config.ts'
import { publishedKeyProblem } from './published-keys.ts'

export interface CheckResult {
  problems: string[]
  warnings: string[]
}

/** Placeholders people copy from examples; refused as SECRET_KEY in production. */
const SAMPLE_SECRETS = new Set([
  'changeme',
  'change-me',
  'change_me',
  'secret',
  'your-secret-key',
  'replace-me-with-at-least-32-random-characters',
  'development-secret-key-not-for-production',
])
const MIN_SECRET_LENGTH = 32
/**
 * Proxy ranges broader than these are not a list of proxies but a way of trusting (nearly) every peer,
 * however they are spelled (0.0.0.0/0, ::0/0, 0.0.0.0/1 + 128.0.0.0/1, …): refused in production.
 */
const NARROWEST_BROAD_PREFIX = { 4: 8, 6: 16 } as const

export function checkConfig(config: Config): CheckResult {
  const problems = [...checkStructure(config)]
  // Outside production these settings are the convenient defaults (pretty logs, docs on), not mistakes.
  if (config.env === 'production') problems.push(...checkProductionSafety(config))
  return { problems, warnings: [] }
}

/** Rules that hold in every environment: values that cannot work together. */
function checkStructure(config: Config): string[] {
  const problems: string[] = []
  const { server } = config
  if (config.auth.lockout.baseS > config.auth.lockout.maxS) {
    problems.push('AUTH_LOCKOUT_BASE_S: must not exceed AUTH_LOCKOUT_MAX_S')
  }
  if (config.db.poolMin > config.db.poolMax) problems.push('DB_POOL_MIN: must not exceed DB_POOL_MAX')
  if (config.db.connectTimeoutMs >= server.handlerTimeoutMs) {
    problems.push(
      'DB_CONNECT_TIMEOUT_MS: must be shorter than HANDLER_TIMEOUT_MS, so a request waiting for a connection gets 503 DATABASE_UNAVAILABLE rather than a handler timeout',
    )
  }
  if (config.db.url !== undefined) problems.push(...checkDatabaseUrl(config.db.url))
  if (server.headersTimeoutMs > server.requestTimeoutMs) {
    problems.push(
      'HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS (the headers are part of the request)',
    )
  }
  for (const entry of server.trustProxy) {
    const problem = checkProxyEntry(entry)
    if (problem !== undefined) problems.push(`TRUST_PROXY: ${problem}`)
  }
  for (const origin of config.security.corsOrigins) {
    if (origin !== '*' && !isExactOrigin(origin)) {
      problems.push(`CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path)`)
    }
  }
  return problems
}

/** Settings that are tolerable on a laptop and dangerous in production, each with its reason. */
function checkProductionSafety(config: Config): string[] {
  const refusals: string[] = []
  const { security, log, lifecycle, server } = config
  if (security.corsOrigins.includes('*')) {
    refusals.push(
      'CORS_ORIGINS: "*" lets any web site call the API from its visitors\' browsers; list the origins',
    )
  }
  const secretProblem = checkSecret(security.secretKey)
  if (secretProblem !== undefined) refusals.push(`SECRET_KEY: ${secretProblem}`)
  // Docs behind the authentication gate (DOCS_PUBLIC=false, production's default) reveal nothing to strangers.
  if (config.docs.enabled && config.docs.public) {
    refusals.push(
      'DOCS_ENABLED: with DOCS_PUBLIC=true the API docs would be public; set DOCS_PUBLIC=false to keep them behind authentication, or publish openapi.json instead',
    )
  }
  const tooBroad = server.trustProxy.filter(isTooBroadForProxies)
  if (tooBroad.length > 0) {
    refusals.push(
      `TRUST_PROXY: ${tooBroad.join(', ')} trusts (nearly) every peer, so any client can forge its address; list the proxies`,
    )
  }
  if (config.db.url === undefined) {
    refusals.push('DATABASE_URL: required; embedded PGlite serves one process and is meant for development')
  }
  if (config.auth.signingKeyFile === undefined) {
    refusals.push(
      'AUTH_JWT_SIGNING_KEY_FILE: required; access tokens must be signed by a key that is managed (and rotated) as a file',
    )
  }
  // A key that verifies tokens is as dangerous as one that signs them, when its private half is public.
  const keyFiles = {
    AUTH_JWT_SIGNING_KEY_FILE: config.auth.signingKeyFile,
    AUTH_JWT_PREVIOUS_KEYS_FILE: config.auth.previousKeysFile,
  }
  for (const [variable, file] of Object.entries(keyFiles)) {
    const problem = file === undefined ? undefined : publishedKeyProblem(variable, file)
    if (problem !== undefined) refusals.push(problem)
  }
  if (config.auth.scryptLogN < 17) {
    refusals.push(
      'AUTH_SCRYPT_LOG_N: below 17 (the OWASP scrypt setting) makes stolen password hashes cheap to crack',
    )
  }
  if (log.format === 'pretty')
    refusals.push('LOG_FORMAT: pretty logs cannot be parsed by a log shipper; use json')
  if (log.level === 'silent') refusals.push('LOG_LEVEL: silent hides errors and access logs; use info')
  const shutdownMs = lifecycle.drainDelayMs + lifecycle.shutdownTimeoutMs + SHUTDOWN_CLOSE_MARGIN_MS
  if (shutdownMs > lifecycle.gracePeriodS * 1000) {
    refusals.push(
      `SHUTDOWN_DRAIN_DELAY_MS + SHUTDOWN_TIMEOUT_MS + ${SHUTDOWN_CLOSE_MARGIN_MS} ms for closing = ${shutdownMs} ms, ` +
        `more than SHUTDOWN_GRACE_PERIOD_S (${lifecycle.gracePeriodS} s): the process would be killed mid-drain`,
    )
  }
  if (server.handlerTimeoutMs > lifecycle.shutdownTimeoutMs) {
    refusals.push(
      'HANDLER_TIMEOUT_MS: longer than SHUTDOWN_TIMEOUT_MS, so a shutdown could cut requests that are still within their deadline',
    )
  }
  return refusals
}

/** TLS settings in the URL would silently override DB_SSL (pg merges them over the explicit options). */
const URL_TLS_PARAMETERS = [
  'ssl',
  'sslmode',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslnegotiation',
  'sslpassword',
]

function checkDatabaseUrl(url: string): string[] {
  const parsed = URL.parse(url)
  if (parsed === null || !/^postgres(ql)?:$/.test(parsed.protocol)) {
    return ['DATABASE_URL: must be a postgres:// or postgresql:// URL']
  }
  const tls = URL_TLS_PARAMETERS.filter((name) => parsed.searchParams.has(name))
  return tls.length === 0
    ? []
    : [`DATABASE_URL: remove ${tls.join(', ')} from the URL; TLS is set by DB_SSL and DB_SSL_CA_FILE only`]
}

function checkSecret(secret: string): string | undefined {
  if (secret === '') return 'missing; set SECRET_KEY or SECRET_KEY_FILE'
  if (secret.length < MIN_SECRET_LENGTH) return `shorter than ${MIN_SECRET_LENGTH} characters`
  if (SAMPLE_SECRETS.has(secret.toLowerCase())) return 'is a sample value from documentation'
  if (new Set(secret).size < 8) return 'has too few distinct characters to be random'
  return undefined
}

function checkProxyEntry(entry: string): string | undefined {
  if (/^\d+$/.test(entry)) return `"${entry}" is a hop count; list proxy addresses or CIDRs instead`
  const [address = '', prefix, extra] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return `"${entry}" is not an IP address or CIDR`
  if (prefix === undefined) return undefined
  const bits = /^\d+$/.test(prefix) ? Number(prefix) : -1
  if (bits < 0 || bits > (family === 4 ? 32 : 128)) return `"${entry}" has an invalid prefix length`
  return undefined
}

function isTooBroadForProxies(entry: string): boolean {
  const [address = '', prefix] = entry.split('/')
  const family = isIP(address)
  if (family !== 4 && family !== 6) return false
  return prefix !== undefined && Number(prefix) < NARROWEST_BROAD_PREFIX[family]
}

function isExactOrigin(origin: string): boolean {
  const url = URL.parse(origin)
  return url !== null && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin
}
