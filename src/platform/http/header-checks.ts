// Request header rules Node's parser leaves to the application: one Host, plain chunked framing, a
// bounded number of header lines. Each closes a gap that request smuggling or header flooding uses.
import type { AppError } from '../errors/app-error.ts'
import { platformErrors } from '../errors/catalog.ts'

/**
 * The error for a request whose header block breaks a rule, or undefined. `rawHeaders` is Node's flat
 * [name, value, …] list; `transferEncoding` the joined Transfer-Encoding value.
 */
export function checkRequestHeaders(
  rawHeaders: readonly string[],
  transferEncoding: string | undefined,
  maxHeaderCount: number,
): AppError | undefined {
  // Node's own maxHeadersCount is left at its default, above MAX_HEADER_COUNT's bound of 1000: past it the
  // parser refuses the request (HPE_HEADER_OVERFLOW, the same 431 through client-errors.ts); below it
  // only this count stands between a flood of small header lines and every hook that reads them.
  const count = rawHeaders.length / 2
  if (count > maxHeaderCount) {
    return platformErrors.HEADERS_TOO_LARGE({
      detail: `The request has more than ${maxHeaderCount} header lines`,
    })
  }
  // RFC 9112 §3.2: more than one Host line is a 400. Node keeps the first, a proxy may route on the last.
  let hosts = 0
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] ?? ''
    // Length first: no lower-cased copy of every header name on every request.
    if (name.length === 4 && name.toLowerCase() === 'host') hosts += 1
  }
  if (hosts > 1) return platformErrors.BAD_REQUEST({ detail: 'The request has more than one Host header' })
  // Node decodes only chunked and passes any coding listed before it (gzip, chunked) through undecoded:
  // the body the handler sees would not be the one sent, and a proxy may frame the message differently.
  if (transferEncoding !== undefined && transferEncoding.toLowerCase() !== 'chunked') {
    return platformErrors.BAD_REQUEST({
      detail: `Transfer-Encoding ${JSON.stringify(transferEncoding)} is not accepted; only chunked is`,
    })
  }
  return undefined
}
