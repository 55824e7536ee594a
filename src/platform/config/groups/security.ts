// The CORS allow-list and the server secret everything signed or derived depends on.
import { randomBytes } from 'node:crypto'
import { defineGroup } from '../group.ts'
import { perEnv } from '../variable.ts'

export interface SecurityConfig {
  /** Exact origins allowed by CORS; '*' only outside production. */
  corsOrigins: readonly string[]
  secretKey: string
  /** SECRET_KEY was not set: a random one was made up (outside production only). */
  secretKeyGenerated: boolean
  /** HSTS is sent only where TLS is guaranteed in front of the service (production). */
  hsts: boolean
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

export const securityGroup = defineGroup({
  section: 'security',
  prefixes: ['CORS_'],
  variables: {
    CORS_ORIGINS: {
      type: 'list',
      default: perEnv('http://localhost:3000,http://127.0.0.1:3000', '', ''),
      doc: 'Comma-separated origins allowed to call the API from a browser (scheme://host[:port]); empty allows none. `*` is refused in production.',
    },
    SECRET_KEY: {
      type: 'string',
      secret: true,
      default: '',
      doc: 'Server-side secret (at least 32 characters) for signatures and key derivation; required in production. Changing it invalidates everything derived from it, pagination cursors included. Generate with `openssl rand -base64 48`. Also read from SECRET_KEY_FILE.',
    },
  },
  build(values, env): SecurityConfig {
    const secretKeyGenerated = values.SECRET_KEY === '' && env !== 'production'
    return {
      corsOrigins: values.CORS_ORIGINS,
      // Outside production a missing secret is replaced by a random one for this process only (and kept in
      // DATA_DIR by withPersistentDevelopmentSecret, which says so once, when it creates the file).
      secretKey: secretKeyGenerated ? randomBytes(48).toString('base64') : values.SECRET_KEY,
      secretKeyGenerated,
      hsts: env === 'production',
    }
  },
  checks({ security }) {
    return security.corsOrigins
      .filter((origin) => origin !== '*' && !isExactOrigin(origin))
      .map((origin) => `CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path)`)
  },
  productionChecks({ security }) {
    const refusals: string[] = []
    if (security.corsOrigins.includes('*')) {
      refusals.push(
        'CORS_ORIGINS: "*" lets any web site call the API from its visitors\' browsers; list the origins',
      )
    }
    const secretProblem = checkSecret(security.secretKey)
    if (secretProblem !== undefined) refusals.push(`SECRET_KEY: ${secretProblem}`)
    return refusals
  },
})

function checkSecret(secret: string): string | undefined {
  if (secret === '') return 'missing; set SECRET_KEY or SECRET_KEY_FILE'
  if (secret.length < MIN_SECRET_LENGTH) return `shorter than ${MIN_SECRET_LENGTH} characters`
  if (SAMPLE_SECRETS.has(secret.toLowerCase())) return 'is a sample value from documentation'
  if (new Set(secret).size < 8) return 'has too few distinct characters to be random'
  return undefined
}

function isExactOrigin(origin: string): boolean {
  const url = URL.parse(origin)
  return url !== null && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin
}
