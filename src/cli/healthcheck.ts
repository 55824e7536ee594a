// `bulwark healthcheck`: exit 0 when the local instance is ready, 1 otherwise (Docker HEALTHCHECK, no curl).
import type { ServerConfig } from '../platform/config/config.ts'
import { localBaseUrl } from '../platform/http/local-url.ts'

/** Asks /health/ready on this machine; bounded by timeoutMs so a hung server fails the check. */
export async function runHealthcheck(
  server: Pick<ServerConfig, 'host' | 'port'>,
  out: (line: string) => void,
  timeoutMs = 3000,
): Promise<number> {
  const url = `${localBaseUrl(server.host, server.port)}/health/ready`
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    out(`${url}: ${response.status}`)
    return response.status === 200 ? 0 : 1
  } catch (error) {
    out(`${url}: ${(error as Error).message}`)
    return 1
  }
}
