// Accounts and credentials: registration, password hashing, tokens and their keys, MFA, cookies, lock-outs.
import { defineGroup } from '../group.ts'
import { publishedKeyProblem } from '../published-keys.ts'
import { optional, perEnv } from '../variable.ts'

export interface AuthConfig {
  registration: 'open' | 'admin' | 'closed'
  passwordMinLength: number
  scryptLogN: number
  hashConcurrency: number
  hashQueueMax: number
  hashQueueTimeoutMs: number
  accessTokenTtlS: number
  refreshTokenTtlS: number
  issuer: string
  audience: string
  signingKeyFile: string | undefined
  previousKeysFile: string | undefined
  clockSkewS: number
  adminMfa: 'optional' | 'required'
  cookies: boolean
  lockout: { accountThreshold: number; ipThreshold: number; baseS: number; maxS: number }
}

export const authGroup = defineGroup({
  section: 'auth',
  prefixes: ['AUTH_'],
  variables: {
    AUTH_REGISTRATION: {
      type: 'enum',
      values: ['open', 'admin', 'closed'],
      default: perEnv('open', 'closed', 'open'),
      doc: 'Who creates user accounts: open (anyone, POST /api/v1/auth/register), admin (administrators, POST /api/v1/users), closed (only `npx bulwark users create`).',
    },
    AUTH_PASSWORD_MIN_LENGTH: {
      type: 'integer',
      min: 8,
      max: 64,
      default: '15',
      doc: 'Shortest password accepted (NIST SP 800-63B asks 15 for passwords used alone). Common and breached passwords are refused at any length.',
    },
    AUTH_SCRYPT_LOG_N: {
      type: 'integer',
      min: 10,
      max: 20,
      default: perEnv('17', '17', '10'),
      doc: 'log2 of the scrypt cost N (r=8, p=1). 17 is the OWASP setting: 128 MiB and roughly 0.2-0.5 s of CPU per hash. Below 17 is refused in production. Existing hashes are upgraded at the next login.',
    },
    AUTH_HASH_CONCURRENCY: {
      type: 'integer',
      min: 1,
      max: 16,
      default: '2',
      doc: 'Password hashes computed at once (each holds 128·2^AUTH_SCRYPT_LOG_N·8 bytes). Must stay below UV_THREADPOOL_SIZE (default 4) so DNS and file I/O keep threads.',
    },
    AUTH_HASH_QUEUE_MAX: {
      type: 'integer',
      min: 0,
      max: 10000,
      default: '64',
      doc: 'Logins waiting for a hashing slot; more get 503 AUTH_BUSY with Retry-After at once.',
    },
    AUTH_HASH_QUEUE_TIMEOUT_MS: {
      type: 'integer',
      min: 100,
      max: 60000,
      default: '3000',
      doc: 'Longest wait for a hashing slot before 503 AUTH_BUSY with Retry-After.',
    },
    AUTH_ACCESS_TOKEN_TTL_S: {
      type: 'integer',
      min: 60,
      max: 3600,
      default: '900',
      doc: 'Lifetime of an access token (JWT).',
    },
    AUTH_REFRESH_TOKEN_TTL_S: {
      type: 'integer',
      min: 3600,
      max: 7776000,
      default: '1209600',
      doc: 'Lifetime of a refresh token; each refresh issues a new one (rotation), so an active session lasts while it is used at least this often.',
    },
    AUTH_JWT_ISSUER: {
      type: 'string',
      default: 'bulwark',
      doc: 'The iss claim of access tokens, required on verification.',
    },
    AUTH_JWT_AUDIENCE: {
      type: 'string',
      default: 'bulwark-api',
      doc: 'The aud claim of access tokens, required on verification.',
    },
    AUTH_JWT_SIGNING_KEY_FILE: {
      type: 'string',
      default: '',
      doc: 'PEM (PKCS#8) private key that signs access tokens: Ed25519 (EdDSA) or P-256 (ES256). Required in production, which refuses any key published in the Bulwark repository (its test fixtures); unset elsewhere, an Ed25519 key is derived from SECRET_KEY. Generate with `openssl genpkey -algorithm ed25519`.',
    },
    AUTH_JWT_PREVIOUS_KEYS_FILE: {
      type: 'string',
      default: '',
      doc: 'PEM public (or private) keys, concatenated, that still verify tokens after a rotation; published in /.well-known/jwks.json with the current key.',
    },
    AUTH_CLOCK_SKEW_S: {
      type: 'integer',
      min: 0,
      max: 300,
      default: '30',
      doc: 'Clock difference tolerated on exp, nbf and iat when verifying tokens.',
    },
    AUTH_ADMIN_MFA: {
      type: 'enum',
      values: ['optional', 'required'],
      default: perEnv('optional', 'required', 'optional'),
      doc: 'required: administrators can do nothing but enrol a TOTP authenticator (and see themselves, log out) until they log in with it.',
    },
    AUTH_COOKIES: {
      type: 'boolean',
      default: 'false',
      doc: 'Browser mode: login also sets HttpOnly; Secure; SameSite=Strict cookies, and unsafe requests authenticated by cookie must send X-CSRF-Token.',
    },
    AUTH_LOCKOUT_THRESHOLD: {
      type: 'integer',
      min: 3,
      max: 100,
      default: '5',
      doc: 'Failed logins for one account within 15 minutes before it is locked out (429 with Retry-After, even with the right password).',
    },
    AUTH_LOCKOUT_IP_THRESHOLD: {
      type: 'integer',
      min: 3,
      max: 10000,
      default: '20',
      doc: 'Failed logins, or failed API key attempts, from one IP within 15 minutes before it is locked out.',
    },
    AUTH_LOCKOUT_BASE_S: {
      type: 'integer',
      min: 1,
      max: 3600,
      default: '30',
      doc: 'The first lock-out; each further one doubles, up to AUTH_LOCKOUT_MAX_S.',
    },
    AUTH_LOCKOUT_MAX_S: {
      type: 'integer',
      min: 1,
      max: 86400,
      default: '900',
      doc: 'The longest lock-out.',
    },
  },
  build: (values): AuthConfig => ({
    registration: values.AUTH_REGISTRATION,
    passwordMinLength: values.AUTH_PASSWORD_MIN_LENGTH,
    scryptLogN: values.AUTH_SCRYPT_LOG_N,
    hashConcurrency: values.AUTH_HASH_CONCURRENCY,
    hashQueueMax: values.AUTH_HASH_QUEUE_MAX,
    hashQueueTimeoutMs: values.AUTH_HASH_QUEUE_TIMEOUT_MS,
    accessTokenTtlS: values.AUTH_ACCESS_TOKEN_TTL_S,
    refreshTokenTtlS: values.AUTH_REFRESH_TOKEN_TTL_S,
    issuer: values.AUTH_JWT_ISSUER,
    audience: values.AUTH_JWT_AUDIENCE,
    signingKeyFile: optional(values.AUTH_JWT_SIGNING_KEY_FILE),
    previousKeysFile: optional(values.AUTH_JWT_PREVIOUS_KEYS_FILE),
    clockSkewS: values.AUTH_CLOCK_SKEW_S,
    adminMfa: values.AUTH_ADMIN_MFA,
    cookies: values.AUTH_COOKIES,
    lockout: {
      accountThreshold: values.AUTH_LOCKOUT_THRESHOLD,
      ipThreshold: values.AUTH_LOCKOUT_IP_THRESHOLD,
      baseS: values.AUTH_LOCKOUT_BASE_S,
      maxS: values.AUTH_LOCKOUT_MAX_S,
    },
  }),
  checks({ auth }, env) {
    const problems: string[] = []
    if (auth.lockout.baseS > auth.lockout.maxS) {
      problems.push('AUTH_LOCKOUT_BASE_S: must not exceed AUTH_LOCKOUT_MAX_S')
    }
    // libuv's pool (UV_THREADPOOL_SIZE, read by Node itself) must keep threads free of password hashing.
    const threadPool = Number(env.UV_THREADPOOL_SIZE ?? '4')
    if (Number.isInteger(threadPool) && auth.hashConcurrency >= threadPool) {
      problems.push(
        `AUTH_HASH_CONCURRENCY: must be below UV_THREADPOOL_SIZE (${threadPool}), or hashing would leave DNS and file I/O no thread`,
      )
    }
    return problems
  },
  productionChecks({ auth }) {
    const refusals: string[] = []
    if (auth.signingKeyFile === undefined) {
      refusals.push(
        'AUTH_JWT_SIGNING_KEY_FILE: required; access tokens must be signed by a key that is managed (and rotated) as a file',
      )
    }
    // A key that verifies tokens is as dangerous as one that signs them, when its private half is public.
    const keyFiles = {
      AUTH_JWT_SIGNING_KEY_FILE: auth.signingKeyFile,
      AUTH_JWT_PREVIOUS_KEYS_FILE: auth.previousKeysFile,
    }
    for (const [variable, file] of Object.entries(keyFiles)) {
      const problem = file === undefined ? undefined : publishedKeyProblem(variable, file)
      if (problem !== undefined) refusals.push(problem)
    }
    if (auth.scryptLogN < 17) {
      refusals.push(
        'AUTH_SCRYPT_LOG_N: below 17 (the OWASP scrypt setting) makes stolen password hashes cheap to crack',
      )
    }
    return refusals
  },
})
