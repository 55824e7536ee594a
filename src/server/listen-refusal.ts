// The one line that says why a listener cannot have its address (in use, privileged, not local), naming
// the variables that set it, so the caller exits with it instead of a stack trace.

/** The listener a refusal is about: its port and the variables an operator changes. */
export interface ListenTarget {
  /** How the message names the port: `port` for the API, `admin port` for the management listener. */
  label: string
  port: number
  portVariable: string
  hostVariable: string
  /** The host suggested when the configured one is not an address of this machine. */
  fallbackHost: string
}

/** The API's listener: PORT and HOST. */
export const API_LISTENER = {
  label: 'port',
  portVariable: 'PORT',
  hostVariable: 'HOST',
  fallbackHost: '0.0.0.0',
}

/** One line for an address that cannot be had (in use, privileged, not local), or undefined for anything else. */
export function listenRefusal(error: unknown, target: ListenTarget): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  const { label, port, portVariable, hostVariable, fallbackHost } = target
  if (code === 'EADDRINUSE')
    return `${label} ${port} is in use; stop what listens there or set ${portVariable}`
  if (code === 'EACCES')
    return `${label} ${port} needs privileges this process lacks; set ${portVariable} above 1023`
  if (code === 'EADDRNOTAVAIL')
    return `${hostVariable} is not an address of this machine; set ${hostVariable} (or ${fallbackHost})`
  return undefined
}
