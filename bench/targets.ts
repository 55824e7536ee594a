// The three servers compared, and how each is started: the same Node binary, a clean environment.
import { randomBytes } from 'node:crypto'

export const TARGET_IDS = ['bare-http', 'minimal-fastify', 'bulwark'] as const
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
}

/** The three servers, all on the database at databaseUrl (see bench/database.ts). */
export function createTargets(databaseUrl: string): Target[] {
  // No variable of the caller's shell leaks in; the servers see only what is listed here.
  const base = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
  }
  return [
    {
      id: 'bare-http',
      label: 'bare node:http',
      args: ['bench/servers/bare-http.ts'],
      env: base,
      logsToStdout: false,
    },
    {
      id: 'minimal-fastify',
      label: 'minimal Fastify',
      args: ['bench/servers/minimal-fastify.ts'],
      env: base,
      logsToStdout: false,
    },
    {
      id: 'bulwark',
      label: 'Bulwark',
      args: ['dist/main.js', 'serve'],
      env: {
        ...base,
        HOST: '127.0.0.1',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        SECRET_KEY: randomBytes(48).toString('base64'),
        DOCS_ENABLED: 'false',
        CORS_ORIGINS: 'https://bench.example',
        // The local PostgreSQL has no TLS; on loopback that is no exposure. Explicit, as production requires.
        DB_SSL: 'disable',
        // bench/database.ts has migrated already; this only finds nothing pending, as a restart would.
        MIGRATE_ON_START: 'true',
        // A developer's .env in the working directory must not change what is measured.
        ENV_FILE: '/dev/null',
      },
      logsToStdout: true,
    },
  ]
}
