// Raw HTTP/1.1 over node:net, for what only a real socket and Node's parser can show (header lines
// that no client library would send).
import { connect } from 'node:net'

/** Sends raw bytes, then collects everything the server writes until it closes the connection. */
export function rawExchange(port: number, chunks: string[], timeoutMs = 8000, gapMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (received += chunk))
    socket.on('close', () => resolve(received))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' && received !== '') resolve(received)
      else reject(error)
    })
    socket.setTimeout(timeoutMs, () => {
      socket.destroy()
      reject(new Error(`no close within ${timeoutMs} ms; got: ${received}`))
    })
    // With a gap, each chunk goes out after the previous answer had time to arrive (no pipelining).
    chunks.forEach((chunk, index) => setTimeout(() => socket.write(chunk), index * gapMs))
  })
}

/** The first response in `raw`: status, lower-cased headers and body. */
export function parseRaw(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n')
  const [statusLine = '', ...headerLines] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of headerLines) {
    const index = line.indexOf(':')
    headers[line.slice(0, index).toLowerCase()] = line.slice(index + 1).trim()
  }
  return { statusCode: Number(statusLine.split(' ')[1]), headers, body }
}
