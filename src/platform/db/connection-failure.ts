// What a failure to reach or start the database means, in one line a person can act on: the server logs
// it while it retries, the CLI commands print it and exit.
import type { DatabaseConfig } from '../config/config.ts'

export interface DatabaseProblem {
  /** A stable word for the kind of failure (log field `reason`). */
  reason: string
  /** One line a person can act on. */
  message: string
  where: { host: string; port: number; database: string } | { data_dir: string }
}

/** Turns a connection or start-up error into one actionable line, naming host and port, never secrets. */
export function describeDatabaseFailure(error: unknown, config: DatabaseConfig): DatabaseProblem {
  const { code, message } = error as { code?: unknown; message?: unknown }
  const text = typeof message === 'string' ? message : String(error)
  if (config.url === undefined) {
    return {
      reason: 'embedded',
      message: `embedded database failed: ${text}`,
      where: { data_dir: config.dataDir },
    }
  }
  const url = new URL(config.url)
  const where = {
    host: url.hostname,
    port: url.port === '' ? 5432 : Number(url.port),
    database: decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username),
  }
  const at = `${where.host}:${where.port}`
  const known: Record<string, [string, string]> = {
    ECONNREFUSED: ['refused', `nothing accepts connections at ${at}: is PostgreSQL running there?`],
    ENOTFOUND: ['unknown_host', `host ${where.host} is unknown: check DATABASE_URL`],
    EAI_AGAIN: [
      'unknown_host',
      `host ${where.host} cannot be resolved right now: check DNS and DATABASE_URL`,
    ],
    EHOSTUNREACH: ['unreachable', `${at} is unreachable: check the network and DATABASE_URL`],
    '3D000': [
      'unknown_database',
      `database "${where.database}" does not exist at ${at}: create it (createdb ${where.database}) or fix DATABASE_URL`,
    ],
    '28P01': [
      'auth_failed',
      `PostgreSQL at ${at} rejected the password of role "${decodeURIComponent(url.username)}"`,
    ],
    '28000': [
      'auth_failed',
      `PostgreSQL at ${at} rejected role "${decodeURIComponent(url.username)}": check the role and pg_hba.conf`,
    ],
    '57P03': ['starting', `PostgreSQL at ${at} is starting up`],
    '53300': ['too_many_connections', `PostgreSQL at ${at} has no free connection slot`],
  }
  const entry = typeof code === 'string' ? known[code] : undefined
  if (entry !== undefined) return { reason: entry[0], message: entry[1], where }
  if (/timeout/i.test(text)) {
    return { reason: 'timeout', message: `no answer from ${at} within DB_CONNECT_TIMEOUT_MS`, where }
  }
  return { reason: 'failed', message: `database at ${at} failed: ${text}`, where }
}
