// Every environment variable Bulwark reads: its group, type, default per NODE_ENV, and meaning.
// `.env.example` is generated from this table (and a test fails when the two drift apart).

export const NODE_ENVS = ['development', 'production', 'test'] as const
export type NodeEnv = (typeof NODE_ENVS)[number]

export const CONFIG_GROUPS = [
  'server',
  'security',
  'auth',
  'database',
  'logging',
  'limits',
  'lifecycle',
  'docs',
] as const
export type ConfigGroup = (typeof CONFIG_GROUPS)[number]

interface VariableBase {
  group: ConfigGroup
  doc: string
  /** A secret is never printed or logged and may also be read from the file named by NAME_FILE. */
  secret?: boolean
  /** The default as written in the environment; a string for every NODE_ENV, or one per NODE_ENV. */
  default: string | Readonly<Record<NodeEnv, string>>
}

export type VariableSpec =
  | (VariableBase & { type: 'string'; pattern?: RegExp })
  | (VariableBase & { type: 'integer'; min: number; max: number })
  | (VariableBase & { type: 'boolean' })
  | (VariableBase & { type: 'enum'; values: readonly string[] })
  | (VariableBase & { type: 'list' })

const perEnv = (development: string, production: string, test: string) => ({ development, production, test })

export const VARIABLES = {
  NODE_ENV: {
    group: 'server',
    type: 'enum',
    values: NODE_ENVS,
    default: 'development',
    doc: 'Picks the defaults below: development, production or test.',
  },
  HOST: {
    group: 'server',
    type: 'string',
    default: perEnv('127.0.0.1', '0.0.0.0', '127.0.0.1'),
    doc: 'Address to listen on.',
  },
  PORT: {
    group: 'server',
    type: 'integer',
    min: 0,
    max: 65535,
    default: perEnv('3000', '3000', '0'),
    doc: 'TCP port of the public API; 0 picks a free one.',
  },
  TRUST_PROXY: {
    group: 'server',
    type: 'list',
    default: '',
    doc: 'Comma-separated addresses or CIDRs of the reverse proxies whose X-Forwarded-* headers are believed; forwarded headers from any other peer are ignored. Never a hop count; 0.0.0.0/0 and ::/0 are refused in production.',
  },
  REQUEST_TIMEOUT_MS: {
    group: 'server',
    type: 'integer',
    min: 1000,
    max: 600_000,
    default: '30000',
    doc: 'Time a client has to send the whole request (headers and body) before it gets 408.',
  },
  HEADERS_TIMEOUT_MS: {
    group: 'server',
    type: 'integer',
    min: 1000,
    max: 600_000,
    default: '10000',
    doc: 'Time a client has to send the request headers before it gets 408; kept short and independent of the keep-alive timeout (raising it only helps slow-header attacks). At most REQUEST_TIMEOUT_MS.',
  },
  KEEP_ALIVE_TIMEOUT_MS: {
    group: 'server',
    type: 'integer',
    min: 1000,
    max: 600_000,
    default: '72000',
    doc: 'Idle time before a keep-alive connection is closed; longer than a typical load balancer idle timeout (60 s) so the balancer, not the server, closes idle connections.',
  },
  HANDLER_TIMEOUT_MS: {
    group: 'server',
    type: 'integer',
    min: 100,
    max: 600_000,
    default: '10000',
    doc: 'Deadline for a request to be answered, counted from its arrival (authentication included) but not the time the client takes to send the body (REQUEST_TIMEOUT_MS bounds that); past it the client gets 503 HANDLER_TIMEOUT, database queries still running for the request are cancelled on the server and new ones are refused. A route may set its own in config.handlerTimeoutMs.',
  },
  COMPRESSION_THRESHOLD_BYTES: {
    group: 'server',
    type: 'integer',
    min: 0,
    max: 10_485_760,
    default: '1024',
    doc: 'Responses at least this large are compressed (br, gzip or deflate, as the client accepts).',
  },
  CORS_ORIGINS: {
    group: 'security',
    type: 'list',
    default: perEnv('http://localhost:3000,http://127.0.0.1:3000', '', ''),
    doc: 'Comma-separated origins allowed to call the API from a browser (scheme://host[:port]); empty allows none. `*` is refused in production.',
  },
  SECRET_KEY: {
    group: 'security',
    type: 'string',
    secret: true,
    default: '',
    doc: 'Server-side secret (at least 32 characters) for signatures and key derivation; required in production. Changing it invalidates everything derived from it, pagination cursors included. Generate with `openssl rand -base64 48`. Also read from SECRET_KEY_FILE.',
  },
  AUTH_REGISTRATION: {
    group: 'auth',
    type: 'enum',
    values: ['open', 'admin', 'closed'],
    default: perEnv('open', 'closed', 'open'),
    doc: 'Who creates user accounts: open (anyone, POST /api/v1/auth/register), admin (administrators, POST /api/v1/users), closed (only `npx bulwark users create`).',
  },
  AUTH_PASSWORD_MIN_LENGTH: {
    group: 'auth',
    type: 'integer',
    min: 8,
    max: 64,
    default: '15',
    doc: 'Shortest password accepted (NIST SP 800-63B asks 15 for passwords used alone). Common and breached passwords are refused at any length.',
  },
  AUTH_SCRYPT_LOG_N: {
    group: 'auth',
    type: 'integer',
    min: 10,
    max: 20,
    default: perEnv('17', '17', '10'),
    doc: 'log2 of the scrypt cost N (r=8, p=1). 17 is the OWASP setting: 128 MiB and roughly 0.2-0.5 s of CPU per hash. Below 17 is refused in production. Existing hashes are upgraded at the next login.',
  },
  AUTH_HASH_CONCURRENCY: {
    group: 'auth',
    type: 'integer',
    min: 1,
    max: 16,
    default: '2',
    doc: 'Password hashes computed at once (each holds 128·2^AUTH_SCRYPT_LOG_N·8 bytes). Must stay below UV_THREADPOOL_SIZE (default 4) so DNS and file I/O keep threads.',
  },
  AUTH_HASH_QUEUE_MAX: {
    group: 'auth',
    type: 'integer',
    min: 0,
    max: 10000,
    default: '64',
    doc: 'Logins waiting for a hashing slot; more get 503 AUTH_BUSY with Retry-After at once.',
  },
  AUTH_HASH_QUEUE_TIMEOUT_MS: {
    group: 'auth',
    type: 'integer',
    min: 100,
    max: 60000,
    default: '3000',
    doc: 'Longest wait for a hashing slot before 503 AUTH_BUSY with Retry-After.',
  },
  AUTH_ACCESS_TOKEN_TTL_S: {
    group: 'auth',
    type: 'integer',
    min: 60,
    max: 3600,
    default: '900',
    doc: 'Lifetime of an access token (JWT).',
  },
  AUTH_REFRESH_TOKEN_TTL_S: {
    group: 'auth',
    type: 'integer',
    min: 3600,
    max: 7776000,
    default: '1209600',
    doc: 'Lifetime of a refresh token; each refresh issues a new one (rotation), so an active session lasts while it is used at least this often.',
  },
  AUTH_JWT_ISSUER: {
    group: 'auth',
    type: 'string',
    default: 'bulwark',
    doc: 'The iss claim of access tokens, required on verification.',
  },
  AUTH_JWT_AUDIENCE: {
    group: 'auth',
    type: 'string',
    default: 'bulwark-api',
    doc: 'The aud claim of access tokens, required on verification.',
  },
  AUTH_JWT_SIGNING_KEY_FILE: {
    group: 'auth',
    type: 'string',
    default: '',
    doc: 'PEM (PKCS#8) private key that signs access tokens: Ed25519 (EdDSA) or P-256 (ES256). Required in production, which refuses any key published in the Bulwark repository (its test fixtures); unset elsewhere, an Ed25519 key is derived from SECRET_KEY. Generate with `openssl genpkey -algorithm ed25519`.',
  },
  AUTH_JWT_PREVIOUS_KEYS_FILE: {
    group: 'auth',
    type: 'string',
    default: '',
    doc: 'PEM public (or private) keys, concatenated, that still verify tokens after a rotation; published in /.well-known/jwks.json with the current key.',
  },
  AUTH_CLOCK_SKEW_S: {
    group: 'auth',
    type: 'integer',
    min: 0,
    max: 300,
    default: '30',
    doc: 'Clock difference tolerated on exp, nbf and iat when verifying tokens.',
  },
  AUTH_ADMIN_MFA: {
    group: 'auth',
    type: 'enum',
    values: ['optional', 'required'],
    default: perEnv('optional', 'required', 'optional'),
    doc: 'required: administrators can do nothing but enrol a TOTP authenticator (and see themselves, log out) until they log in with it.',
  },
  AUTH_COOKIES: {
    group: 'auth',
    type: 'boolean',
    default: 'false',
    doc: 'Browser mode: login also sets HttpOnly; Secure; SameSite=Strict cookies, and unsafe requests authenticated by cookie must send X-CSRF-Token.',
  },
  AUTH_LOCKOUT_THRESHOLD: {
    group: 'auth',
    type: 'integer',
    min: 3,
    max: 100,
    default: '5',
    doc: 'Failed logins for one account within 15 minutes before it is locked out (429 with Retry-After, even with the right password).',
  },
  AUTH_LOCKOUT_IP_THRESHOLD: {
    group: 'auth',
    type: 'integer',
    min: 3,
    max: 10000,
    default: '20',
    doc: 'Failed logins, or failed API key attempts, from one IP within 15 minutes before it is locked out.',
  },
  AUTH_LOCKOUT_BASE_S: {
    group: 'auth',
    type: 'integer',
    min: 1,
    max: 3600,
    default: '30',
    doc: 'The first lock-out; each further one doubles, up to AUTH_LOCKOUT_MAX_S.',
  },
  AUTH_LOCKOUT_MAX_S: {
    group: 'auth',
    type: 'integer',
    min: 1,
    max: 86400,
    default: '900',
    doc: 'The longest lock-out.',
  },
  DATABASE_URL: {
    group: 'database',
    type: 'string',
    secret: true,
    default: '',
    doc: 'PostgreSQL connection URL (postgres://user:password@host:5432/db). Unset: embedded PGlite under DATA_DIR (development only; required in production). Also read from DATABASE_URL_FILE.',
  },
  DATA_DIR: {
    group: 'database',
    type: 'string',
    default: perEnv('./data', './data', 'memory://'),
    doc: 'Where embedded PGlite keeps its files when DATABASE_URL is unset; memory:// keeps nothing.',
  },
  DB_POOL_MAX: {
    group: 'database',
    type: 'integer',
    min: 1,
    max: 1000,
    default: '10',
    doc: 'Most PostgreSQL connections this process opens. Times the number of processes it must fit max_connections (checked at start).',
  },
  DB_POOL_MIN: {
    group: 'database',
    type: 'integer',
    min: 0,
    max: 1000,
    default: '0',
    doc: 'Connections kept open even when idle.',
  },
  DB_IDLE_TIMEOUT_MS: {
    group: 'database',
    type: 'integer',
    min: 1000,
    max: 3_600_000,
    default: '10000',
    doc: 'An idle pooled connection is closed after this long.',
  },
  DB_CONNECT_TIMEOUT_MS: {
    group: 'database',
    type: 'integer',
    min: 100,
    max: 60_000,
    default: '2000',
    doc: 'Longest wait for a connection (a free pooled one or a new one); past it the request gets 503 DATABASE_UNAVAILABLE. Must be shorter than HANDLER_TIMEOUT_MS.',
  },
  DB_STATEMENT_TIMEOUT_MS: {
    group: 'database',
    type: 'integer',
    min: 100,
    max: 600_000,
    default: '5000',
    doc: 'PostgreSQL cancels any statement running longer (statement_timeout); the client also gives up after this plus a second.',
  },
  DB_POOL_MAX_LIFETIME_S: {
    group: 'database',
    type: 'integer',
    min: 0,
    max: 86_400,
    default: '1800',
    doc: 'A connection is replaced after this long (0: never), so fail-overs and DNS changes are picked up.',
  },
  DB_SSL: {
    group: 'database',
    type: 'enum',
    values: ['disable', 'verify-full'],
    default: perEnv('disable', 'verify-full', 'disable'),
    doc: 'TLS to PostgreSQL: verify-full checks the certificate and host name (required in production unless explicitly set to disable).',
  },
  DB_SSL_CA_FILE: {
    group: 'database',
    type: 'string',
    default: '',
    doc: 'PEM file with the CA that signed the PostgreSQL server certificate; empty uses the system CAs.',
  },
  MIGRATE_ON_START: {
    group: 'database',
    type: 'boolean',
    default: perEnv('true', 'false', 'true'),
    doc: 'Apply pending migrations at start (an advisory lock keeps concurrent instances safe); in production run `npx bulwark migrate` as a release step instead.',
  },
  EXPECTED_INSTANCES: {
    group: 'database',
    type: 'integer',
    min: 1,
    max: 10_000,
    default: '1',
    doc: 'How many server processes (replicas × workers) share the database, for the connection budget check.',
  },
  LOG_LEVEL: {
    group: 'logging',
    type: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: perEnv('info', 'info', 'warn'),
    doc: 'Lowest level written; silent is refused in production.',
  },
  LOG_FORMAT: {
    group: 'logging',
    type: 'enum',
    values: ['json', 'pretty'],
    default: perEnv('pretty', 'json', 'json'),
    doc: 'json: one JSON object per line (for log shippers); pretty: coloured single lines for a terminal, refused in production.',
  },
  SLOW_REQUEST_MS: {
    group: 'logging',
    type: 'integer',
    min: 1,
    max: 600_000,
    default: '1000',
    doc: 'Requests slower than this are logged at warn level with slow=true.',
  },
  BODY_LIMIT_BYTES: {
    group: 'limits',
    type: 'integer',
    min: 1024,
    max: 104_857_600,
    default: '1048576',
    doc: 'Largest request body accepted; larger bodies get 413.',
  },
  MAX_HEADER_SIZE_BYTES: {
    group: 'limits',
    type: 'integer',
    min: 1024,
    max: 65_536,
    default: '16384',
    doc: 'Largest request header block accepted; larger ones get 431.',
  },
  MAX_HEADER_COUNT: {
    group: 'limits',
    type: 'integer',
    min: 20,
    max: 1000,
    default: '100',
    doc: 'Most header lines a request may have (Host, Cookie, … each count); more get 431 HEADERS_TOO_LARGE.',
  },
  MATH_EXPRESSION_MAX_LENGTH: {
    group: 'limits',
    type: 'integer',
    min: 1,
    max: 100_000,
    default: '1000',
    doc: 'Longest expression /math/evaluate accepts, in characters.',
  },
  MATH_EXPRESSION_MAX_NODES: {
    group: 'limits',
    type: 'integer',
    min: 1,
    max: 100_000,
    default: '200',
    doc: 'Most parse-tree nodes an expression may have.',
  },
  MATH_RESULT_MAX_ELEMENTS: {
    group: 'limits',
    type: 'integer',
    min: 1,
    max: 1_000_000,
    default: '10000',
    doc: 'Most elements a matrix result may have.',
  },
  MATH_STATISTICS_MAX_VALUES: {
    group: 'limits',
    type: 'integer',
    min: 1,
    max: 1_000_000,
    default: '10000',
    doc: 'Most values /math/statistics accepts in one request.',
  },
  MATH_FIBONACCI_MAX_N: {
    group: 'limits',
    type: 'integer',
    min: 1,
    max: 1_000_000,
    default: '100000',
    doc: 'Largest n /math/fibonacci/{n} computes; larger gets 422.',
  },
  SHUTDOWN_GRACE_PERIOD_S: {
    group: 'lifecycle',
    type: 'integer',
    min: 1,
    max: 3600,
    default: '30',
    doc: 'Time the orchestrator gives the process between SIGTERM and SIGKILL (Kubernetes terminationGracePeriodSeconds); the timings below must fit in it.',
  },
  SHUTDOWN_DRAIN_DELAY_MS: {
    group: 'lifecycle',
    type: 'integer',
    min: 0,
    max: 600_000,
    default: perEnv('0', '5000', '0'),
    doc: 'After SIGTERM, readiness answers 503 for this long while requests are still served, so load balancers stop routing before the listener closes (no balancer on a laptop, so 0 in development).',
  },
  SHUTDOWN_TIMEOUT_MS: {
    group: 'lifecycle',
    type: 'integer',
    min: 100,
    max: 600_000,
    default: '20000',
    doc: 'Once the listener is closed, in-flight requests have this long to finish before their connections are cut.',
  },
  DOCS_ENABLED: {
    group: 'docs',
    type: 'boolean',
    default: perEnv('true', 'false', 'true'),
    doc: 'Serve the OpenAPI document at /openapi.json and the docs UI at /docs. Refused in production when DOCS_PUBLIC is true.',
  },
  DOCS_PUBLIC: {
    group: 'docs',
    type: 'boolean',
    default: perEnv('true', 'false', 'true'),
    doc: 'Serve the docs without credentials (when DOCS_ENABLED). Otherwise they need an API key or token like every other route.',
  },
} as const satisfies Record<string, VariableSpec>

export type VariableName = keyof typeof VARIABLES

/** The default of a variable under a NODE_ENV, as it would be written in the environment. */
export function defaultOf(spec: VariableSpec, env: NodeEnv): string {
  return typeof spec.default === 'string' ? spec.default : spec.default[env]
}
