// The few pieces of the PostgreSQL frontend/backend protocol (version 3.0, docs chapter 55) that the
// served embedded database reads and writes itself; everything else passes through to PGlite untouched.

/** Startup-phase request codes (§55.7): the second int32 of a message without a type byte. */
export const PROTOCOL_3_0 = 196608
export const SSL_REQUEST_CODE = 80877103
export const GSSENC_REQUEST_CODE = 80877104
export const CANCEL_REQUEST_CODE = 80877102

/** One complete message at the start of `buffer`, or undefined while more bytes are needed. */
export interface Frame {
  /** The type byte as a character; '' for a startup-phase message (which has none). */
  type: string
  /** The whole message, type byte and length included. */
  bytes: Buffer
}

/**
 * Splits the next message off `buffer`. Lengths below the protocol's minimum or above maxBytes are a
 * protocol violation: a RangeError, after which the connection cannot be trusted and is closed.
 */
export function readFrame(buffer: Buffer, startup: boolean, maxBytes: number): Frame | undefined {
  const header = startup ? 4 : 5
  if (buffer.length < header) return undefined
  const length = buffer.readInt32BE(header - 4)
  if (length < (startup ? 8 : 4) || length > maxBytes) {
    throw new RangeError(`invalid message length ${length}`)
  }
  const total = length + header - 4
  if (buffer.length < total) return undefined
  return {
    type: startup ? '' : String.fromCharCode(buffer[0] ?? 0),
    bytes: buffer.subarray(0, total),
  }
}

/** The name=value pairs of a StartupMessage (§55.7), after its length and protocol version. */
export function readStartupParameters(message: Buffer): Map<string, string> {
  const parameters = new Map<string, string>()
  const strings = message.subarray(8).toString('utf8').split('\0')
  for (let index = 0; index + 1 < strings.length && strings[index] !== ''; index += 2) {
    parameters.set(strings[index] ?? '', strings[index + 1] ?? '')
  }
  return parameters
}

/** The statement name a Parse message ('P') creates: '' for the unnamed statement. */
export function parseStatementName(message: Buffer): string {
  const end = message.indexOf(0, 5)
  return message.subarray(5, end === -1 ? 5 : end).toString('utf8')
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5)
  header.write(type, 0, 'latin1')
  header.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([header, body])
}

/** An ErrorResponse ('E') with severity, SQLSTATE and message, as pg reads them into error.code. */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  const field = (tag: string, value: string) => Buffer.from(`${tag}${value}\0`, 'utf8')
  return message(
    'E',
    Buffer.concat([
      field('S', severity),
      field('V', severity),
      field('C', code),
      field('M', text),
      Buffer.from([0]),
    ]),
  )
}

/** ReadyForQuery ('Z') with the transaction status: 'I' idle, 'T' in a transaction, 'E' failed one. */
export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return message('Z', Buffer.from(status, 'latin1'))
}

/** BackendKeyData ('K'): the process id and secret a client would name in a CancelRequest. */
export function backendKeyData(processId: number, secret: number): Buffer {
  const body = Buffer.alloc(8)
  body.writeInt32BE(processId, 0)
  body.writeInt32BE(secret, 4)
  return message('K', body)
}

/** A StartupMessage for protocol 3.0 with the given parameters. */
export function startupMessage(parameters: Record<string, string>): Buffer {
  const pairs = Object.entries(parameters).map(([name, value]) => `${name}\0${value}\0`)
  const body = Buffer.from(`${pairs.join('')}\0`, 'utf8')
  const header = Buffer.alloc(8)
  header.writeInt32BE(body.length + 8, 0)
  header.writeInt32BE(PROTOCOL_3_0, 4)
  return Buffer.concat([header, body])
}

/** CopyFail ('f') then Sync ('S'): ends a COPY FROM STDIN left open, and any extended-query sequence. */
export function copyFailAndSync(): Buffer {
  return Buffer.concat([message('f', Buffer.from('abandoned\0', 'utf8')), message('S', Buffer.alloc(0))])
}

/** The backend messages in `response` whose type is in `keep`, in order. */
export function keepMessages(response: Uint8Array, keep: ReadonlySet<string>): Buffer {
  const buffer = Buffer.from(response.buffer, response.byteOffset, response.byteLength)
  const kept: Buffer[] = []
  for (let offset = 0; offset + 5 <= buffer.length;) {
    const total = 1 + buffer.readInt32BE(offset + 1)
    if (keep.has(String.fromCharCode(buffer[offset] ?? 0))) kept.push(buffer.subarray(offset, offset + total))
    offset += total
  }
  return Buffer.concat(kept)
}

/**
 * The transaction status of the ReadyForQuery that ends `response`, or undefined when the response does
 * not end with one (the backend still expects more from the client: COPY FROM STDIN, say).
 */
export function finalTransactionStatus(response: Uint8Array): 'I' | 'T' | 'E' | undefined {
  const buffer = Buffer.from(response.buffer, response.byteOffset, response.byteLength)
  let last = -1
  for (let offset = 0; offset + 5 <= buffer.length; offset += 1 + buffer.readInt32BE(offset + 1))
    last = offset
  if (last === -1 || buffer[last] !== 0x5a || last + 6 !== buffer.length) return undefined
  const status = String.fromCharCode(buffer[last + 5] ?? 0)
  return status === 'I' || status === 'T' || status === 'E' ? status : undefined
}
