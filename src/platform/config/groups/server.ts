// The HTTP server: where it listens, which proxies it believes, its timeouts and request size limits.
import { isIP } from 'node:net'
import { defineGroup } from '../group.ts'
import { perEnv } from '../variable.ts'

export interface ServerConfig {
  host: string
  port: number
  /** Addresses/CIDRs of trusted reverse proxies; empty trusts none. */
  trustProxy: readonly string[]
  requestTimeoutMs: number
  headersTimeoutMs: number
  keepAliveTimeoutMs: number
  handlerTimeoutMs: number
  compressionThresholdBytes: number
  bodyLimitBytes: number
  maxHeaderSizeBytes: number
  /** Most header lines a request may have (MAX_HEADER_COUNT). */
  maxHeaderCount: number
  /** Most client connections one process holds at once (MAX_CONNECTIONS); more are closed on accept. */
  maxConnections: number
  /** Show an unexpected error's message (never its stack) in 500 bodies; development only. */
  exposeInternalErrors: boolean
}

/**
 * Proxy ranges broader than these are not a list of proxies but a way of trusting (nearly) every peer,
 * however they are spelled (0.0.0.0/0, ::0/0, 0.0.0.0/1 + 128.0.0.0/1, …): refused in production.
 */
const NARROWEST_BROAD_PREFIX = { 4: 8, 6: 16 } as const

export const serverGroup = defineGroup({
  section: 'server',
  variables: {
    HOST: {
      type: 'string',
      default: perEnv('127.0.0.1', '0.0.0.0', '127.0.0.1'),
      doc: 'Address to listen on.',
    },
    PORT: {
      type: 'integer',
      min: 0,
      max: 65535,
      default: perEnv('3000', '3000', '0'),
      doc: 'TCP port of the public API; 0 picks a free one.',
    },
    TRUST_PROXY: {
      type: 'list',
      default: '',
      doc: 'Comma-separated addresses or CIDRs of the reverse proxies whose X-Forwarded-* headers are believed; forwarded headers from any other peer are ignored. Never a hop count; 0.0.0.0/0 and ::/0 are refused in production.',
    },
    REQUEST_TIMEOUT_MS: {
      type: 'integer',
      min: 1000,
      max: 600_000,
      default: '30000',
      doc: 'Time a client has to send the whole request (headers and body) before it gets 408.',
    },
    HEADERS_TIMEOUT_MS: {
      type: 'integer',
      min: 1000,
      max: 600_000,
      default: '10000',
      doc: 'Time a client has to send the request headers before it gets 408; kept short and independent of the keep-alive timeout (raising it only helps slow-header attacks). At most REQUEST_TIMEOUT_MS.',
    },
    KEEP_ALIVE_TIMEOUT_MS: {
      type: 'integer',
      min: 1000,
      max: 600_000,
      default: '72000',
      doc: 'Idle time before a keep-alive connection is closed; longer than a typical load balancer idle timeout (60 s) so the balancer, not the server, closes idle connections.',
    },
    HANDLER_TIMEOUT_MS: {
      type: 'integer',
      min: 100,
      max: 600_000,
      default: '10000',
      doc: 'Deadline for a request to be answered, counted from its arrival (authentication included) but not the time the client takes to send the body (REQUEST_TIMEOUT_MS bounds that); past it the client gets 503 HANDLER_TIMEOUT, database queries still running for the request are cancelled on the server and new ones are refused. A route may set its own in config.handlerTimeoutMs.',
    },
    COMPRESSION_THRESHOLD_BYTES: {
      type: 'integer',
      min: 0,
      max: 10_485_760,
      default: '1024',
      doc: 'Responses at least this large are compressed (br, gzip or deflate, as the client accepts).',
    },
    BODY_LIMIT_BYTES: {
      section: 'limits',
      type: 'integer',
      min: 1024,
      max: 104_857_600,
      default: '1048576',
      doc: 'Largest request body accepted; larger bodies get 413.',
    },
    MAX_HEADER_SIZE_BYTES: {
      section: 'limits',
      type: 'integer',
      min: 1024,
      max: 65_536,
      default: '16384',
      doc: 'Largest request header block accepted; larger ones get 431.',
    },
    MAX_HEADER_COUNT: {
      section: 'limits',
      type: 'integer',
      min: 20,
      max: 1000,
      default: '100',
      doc: 'Most header lines a request may have (Host, Cookie, … each count); more get 431 HEADERS_TOO_LARGE.',
    },
    MAX_CONNECTIONS: {
      section: 'limits',
      type: 'integer',
      min: 10,
      max: 1_000_000,
      default: '2000',
      doc: 'Most client connections one process (each worker) holds at once; a connection past it is closed as soon as it is accepted. Bounds the sockets and memory that many slow or idle clients can take (the headers and request timeouts free their slots); keep it under the file-descriptor limit (ulimit -n).',
    },
  },
  build: (values, env): ServerConfig => ({
    host: values.HOST,
    port: values.PORT,
    trustProxy: values.TRUST_PROXY,
    requestTimeoutMs: values.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: values.HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: values.KEEP_ALIVE_TIMEOUT_MS,
    handlerTimeoutMs: values.HANDLER_TIMEOUT_MS,
    compressionThresholdBytes: values.COMPRESSION_THRESHOLD_BYTES,
    bodyLimitBytes: values.BODY_LIMIT_BYTES,
    maxHeaderSizeBytes: values.MAX_HEADER_SIZE_BYTES,
    maxHeaderCount: values.MAX_HEADER_COUNT,
    maxConnections: values.MAX_CONNECTIONS,
    exposeInternalErrors: env === 'development',
  }),
  checks({ server }) {
    const problems: string[] = []
    if (server.headersTimeoutMs > server.requestTimeoutMs) {
      problems.push(
        'HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS (the headers are part of the request)',
      )
    }
    for (const entry of server.trustProxy) {
      const problem = checkProxyEntry(entry)
      if (problem !== undefined) problems.push(`TRUST_PROXY: ${problem}`)
    }
    return problems
  },
  productionChecks({ server, lifecycle }) {
    const refusals: string[] = []
    const tooBroad = server.trustProxy.filter(isTooBroadForProxies)
    if (tooBroad.length > 0) {
      refusals.push(
        `TRUST_PROXY: ${tooBroad.join(', ')} trusts (nearly) every peer, so any client can forge its address; list the proxies`,
      )
    }
    if (server.handlerTimeoutMs > lifecycle.shutdownTimeoutMs) {
      refusals.push(
        'HANDLER_TIMEOUT_MS: longer than SHUTDOWN_TIMEOUT_MS, so a shutdown could cut requests that are still within their deadline',
      )
    }
    return refusals
  },
})

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
