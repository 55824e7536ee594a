// The servers compared, and how each is started: the same Node binary, a clean environment. Bulwark runs
// as npm start runs it (with the memory flags of src/server/memory-flags.ts), once as one process (WORKERS=1) and once as a primary
// with two workers (WORKERS=2). Also the API key every request carries, created with Bulwark's own CLI
// before any server starts.
import { execFile } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { MEMORY_FLAGS } from '../src/server/memory-flags.ts'
import { PLAN_OWNER } from './plans.ts'

/** The Bulwark variants, each compared with the two floors. `bulwark` is the one the targets apply to. */
export const BULWARK_TARGET_IDS = [
  'bulwark',
  'bulwark-2-workers',
  'bulwark-v8-defaults',
  'bulwark-base',
  'bulwark-redis',
] as const

/** Every server the benchmark can run: the two floors, then the Bulwark variants. */
export const TARGET_IDS = ['bare-http', 'minimal-fastify', ...BULWARK_TARGET_IDS] as const
export type TargetId = (typeof TARGET_IDS)[number]

export interface Target {
  id: TargetId
  label: string
  /** Script and arguments for Node, relative to the repository root. */
  args: string[]
  /** The environment, apart from PORT (a free one is picked at start). */
  env: Record<string, string>
  /** Bulwark writes its JSON access log to stdout: it goes to a file, like a log shipper would read. */
  logsToStdout: boolean
  /** Its worker processes (a primary forks them); 0 for a server that is one process. */
  workers: number
  /** The cores it may run on: one, or both for two workers (which then share core 1 with the generator). */
  cores: readonly number[]
}

export interface TargetOptions {
  /** Adds Bulwark as one process with V8's default heap settings, to price the memory flags. */
  compareV8Defaults: boolean
  /** Adds Bulwark W=1 built from another commit into this directory (before/after in one run). */
  baseDist: string | undefined
}

/** The Redis the Redis-backed target uses: this machine's (ARCHITECTURE.md says how to start it). */
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The environment nothing of the caller's shell leaks into: the servers see only what is listed here. */
function baseEnv(databaseUrl: string) {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', DATABASE_URL: databaseUrl }
}

/**
 * What production requires of Bulwark, made fresh for one run: SECRET_KEY (which peppers API key digests,
 * so the `keys create` below and the server must share it) and the Ed25519 key that signs access tokens.
 */
export interface BulwarkSecrets {
  secretKey: string
  signingKeyFile: string
  /** Removes the signing key file. */
  remove(): void
}

export function createBulwarkSecrets(): BulwarkSecrets {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-'))
  const signingKeyFile = join(dir, 'jwt-ed25519.pem')
  const { privateKey } = generateKeyPairSync('ed25519')
  writeFileSync(signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  return {
    secretKey: randomBytes(48).toString('base64'),
    signingKeyFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Bulwark's environment, apart from PORT: the server's, and the CLI's that creates its API key. */
function bulwarkEnv(databaseUrl: string, secrets: BulwarkSecrets): Record<string, string> {
  return {
    ...baseEnv(databaseUrl),
    HOST: '127.0.0.1',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    SECRET_KEY: secrets.secretKey,
    AUTH_JWT_SIGNING_KEY_FILE: secrets.signingKeyFile,
    DOCS_ENABLED: 'false',
    CORS_ORIGINS: 'https://bench.example',
    // The local PostgreSQL has no TLS; on loopback that is no exposure. Explicit, as production requires.
    DB_SSL: 'disable',
    // bench/database.ts has migrated already; this only finds nothing pending, as a restart would.
    MIGRATE_ON_START: 'true',
    // Every request is counted against the key's limit, as shipped; the limit itself is above what the
    // benchmark can send, so that the servers answer the same 200s (a build without rate limits ignores it).
    RATE_LIMIT_PRINCIPAL: '100000/1s',
    // A developer's .env in the working directory must not change what is measured.
    ENV_FILE: '/dev/null',
    // A free port: two Bulwark targets run at once, and the bench reads memory from /proc, not from here.
    ADMIN_PORT: '0',
  }
}

/** The scopes the four scenarios need, and no more: an ordinary client's key, not an admin one. */
const BENCH_KEY_SCOPES = 'math:read,plans:read,plans:write'

/**
 * Creates the API key of the run with `bulwark keys create` on the (migrated) bench database, owned by
 * PLAN_OWNER so it sees the seeded plan, and returns it. Production never creates a key at start.
 */
export async function createApiKey(
  root: string,
  databaseUrl: string,
  secrets: BulwarkSecrets,
): Promise<string> {
  const args = ['dist/main.js', 'keys', 'create', '--name', 'bench', '--scopes', BENCH_KEY_SCOPES]
  const { stdout } = await promisify(execFile)(process.execPath, [...args, '--owner', PLAN_OWNER], {
    cwd: root,
    env: bulwarkEnv(databaseUrl, secrets),
    timeout: 30_000,
  })
  const key = stdout.split('\n', 1)[0] ?? ''
  if (!/^bk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(key)) {
    throw new Error(`bulwark keys create printed no key:\n${stdout}`)
  }
  return key
}

/** The servers, all on the database at databaseUrl (see bench/database.ts); Bulwark with secrets. */
export function createTargets(
  databaseUrl: string,
  secrets: BulwarkSecrets,
  options: TargetOptions,
): Target[] {
  const base = baseEnv(databaseUrl)
  const bulwark = bulwarkEnv(databaseUrl, secrets)
  const targets: Target[] = [
    {
      id: 'bare-http',
      label: 'bare node:http',
      args: ['bench/servers/bare-http.ts'],
      env: base,
      logsToStdout: false,
      workers: 0,
      cores: [0],
    },
    {
      id: 'minimal-fastify',
      label: 'minimal Fastify',
      args: ['bench/servers/minimal-fastify.ts'],
      env: base,
      logsToStdout: false,
      workers: 0,
      cores: [0],
    },
    {
      id: 'bulwark',
      label: 'Bulwark W=1',
      args: [...MEMORY_FLAGS, 'dist/main.js', 'serve'],
      env: { ...bulwark, WORKERS: '1' },
      logsToStdout: true,
      workers: 0,
      cores: [0],
    },
    {
      // The same single process with its rate limits (and their fallback) on Redis: one script call per
      // event-loop turn, and the run's one busy key decides mostly from slots reserved there (RATE-LIMITS.md).
      id: 'bulwark-redis',
      label: 'Bulwark W=1 Redis',
      args: [...MEMORY_FLAGS, 'dist/main.js', 'serve'],
      env: {
        ...bulwark,
        WORKERS: '1',
        REDIS_URL: BENCH_REDIS_URL,
        REDIS_KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
      },
      logsToStdout: true,
      workers: 0,
      cores: [0],
    },
    {
      // The primary passes its own memory flags on to the workers, as under npm start.
      id: 'bulwark-2-workers',
      label: 'Bulwark W=2',
      args: [...MEMORY_FLAGS, 'dist/main.js', 'serve'],
      env: { ...bulwark, WORKERS: '2' },
      logsToStdout: true,
      workers: 2,
      cores: [0, 1],
    },
  ]
  if (options.compareV8Defaults) {
    targets.push({
      id: 'bulwark-v8-defaults',
      label: 'Bulwark W=1 V8 defaults',
      args: ['dist/main.js', 'serve'],
      env: { ...bulwark, WORKERS: '1' },
      logsToStdout: true,
      workers: 0,
      cores: [0],
    })
  }
  if (options.baseDist !== undefined) {
    targets.push({
      id: 'bulwark-base',
      label: 'Bulwark W=1 base',
      args: [...MEMORY_FLAGS, `${options.baseDist}/main.js`, 'serve'],
      env: { ...bulwark, WORKERS: '1' },
      logsToStdout: true,
      workers: 0,
      cores: [0],
    })
  }
  return targets
}
