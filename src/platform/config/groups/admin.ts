// The management listener: where /metrics, the health endpoints and /status answer, and who may ask.
import { isIP } from 'node:net'
import { defineGroup } from '../group.ts'
import { optional, perEnv } from '../variable.ts'

export interface AdminConfig {
  host: string
  port: number
  /** Bearer token every admin path but /health/live requires; undefined leaves them open. */
  token: string | undefined
}

/** Shortest ADMIN_TOKEN accepted: 128 bits as hex, about as much in base64. */
const MIN_TOKEN_LENGTH = 24

export const adminGroup = defineGroup({
  section: 'admin',
  prefixes: ['ADMIN_'],
  variables: {
    ADMIN_HOST: {
      type: 'string',
      default: '127.0.0.1',
      doc: 'Address of the management listener (/metrics, /health, /status). Loopback by default: reachable from this machine (or pod) only. Any other address needs ADMIN_TOKEN in production.',
    },
    ADMIN_PORT: {
      type: 'integer',
      min: 0,
      max: 65535,
      default: perEnv('9464', '9464', '0'),
      doc: 'TCP port of the management listener, served by the supervisor so it answers while every worker is busy; 0 picks a free one. Must differ from PORT.',
    },
    ADMIN_TOKEN: {
      type: 'string',
      secret: true,
      default: '',
      doc: 'Bearer token the management listener requires on every path except /health/live and /health/ready (probes); at least 24 characters. Required in production when ADMIN_HOST is not loopback.',
    },
  },
  build: (values): AdminConfig => ({
    host: values.ADMIN_HOST,
    port: values.ADMIN_PORT,
    token: optional(values.ADMIN_TOKEN),
  }),
  checks({ admin, server }) {
    const problems: string[] = []
    if (admin.port !== 0 && admin.port === server.port) {
      problems.push(`ADMIN_PORT: ${admin.port} is also PORT; the management listener needs its own port`)
    }
    if (admin.token !== undefined && admin.token.length < MIN_TOKEN_LENGTH) {
      problems.push(`ADMIN_TOKEN: at least ${MIN_TOKEN_LENGTH} characters (openssl rand -hex 16)`)
    }
    return problems
  },
  productionChecks({ admin }) {
    if (admin.token !== undefined || isLoopback(admin.host)) return []
    return [
      `ADMIN_TOKEN: required when ADMIN_HOST (${admin.host}) is not loopback, or anyone who reaches it reads metrics and status`,
    ]
  },
})

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}
