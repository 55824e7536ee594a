// The URL at which this machine reaches a server listening on HOST:PORT: a wildcard address (0.0.0.0,
// ::) is reached on 127.0.0.1, and an IPv6 host is bracketed. Used by the start-up banner, the DATA_DIR
// lock and `bulwark healthcheck`, so that all three name the same address.
export function localBaseUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`
}
