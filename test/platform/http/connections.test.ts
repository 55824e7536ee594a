import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { describe, it, type TestContext } from 'node:test'
import { logDroppedConnections, trackConnections } from '../../../src/platform/http/connections.ts'

type Handler = (request: IncomingMessage, response: ServerResponse) => void

async function listen(t: TestContext, handler: Handler): Promise<{ server: Server; port: number }> {
  const server = createServer(handler)
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, port: (server.address() as AddressInfo).port }
}

async function open(t: TestContext, port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  t.after(() => socket.destroy())
  await once(socket, 'connect')
  return socket
}

/** Writes a GET and resolves with everything received until the server closes the connection. */
async function getUntilClosed(socket: Socket): Promise<string> {
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (received += chunk))
  socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n')
  await once(socket, 'close')
  return received
}

/** Resolves once `predicate` holds, checking every few milliseconds. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('trackConnections', () => {
  it('closes only the listener: a connection accepted before still gets its request answered', async (t) => {
    const { server, port } = await listen(t, (_request, response) => {
      response.setHeader('connection', 'close')
      response.end('ok')
    })
    const connections = trackConnections(server)
    const socket = await open(t, port)
    await until(() => connections.openConnections === 1)

    connections.stopListening()
    const reply = await getUntilClosed(socket)

    assert.match(reply, /^HTTP\/1\.1 200 /)
    assert.match(reply, /ok$/)
    await assert.rejects(open(t, port), { code: 'ECONNREFUSED' })
  })

  it('marks responses in progress Connection: close, so the connection closes after them', async (t) => {
    let release = () => {}
    const { server, port } = await listen(t, (_request, response) => {
      release = () => response.end('done')
    })
    const connections = trackConnections(server)
    const socket = await open(t, port)
    const reply = getUntilClosed(socket)
    await until(() => connections.responsesInProgress === 1)

    const marked = connections.closeAfterResponses()
    release()

    assert.equal(marked, 1)
    assert.match(await reply, /\r\nconnection: close\r\n/i)
    await until(() => connections.responsesInProgress === 0 && connections.openConnections === 0)
  })

  it('waits for the last connection to close, or gives up after the timeout', async (t) => {
    const { server, port } = await listen(t, (_request, response) => response.end())
    const connections = trackConnections(server)
    const socket = await open(t, port)
    await until(() => connections.openConnections === 1)

    const timedOut = await connections.waitForNoConnections(20)
    const drained = connections.waitForNoConnections(5000)
    socket.end()

    assert.equal(timedOut, false)
    assert.equal(await drained, true)
    assert.equal(await connections.waitForNoConnections(0), true)
  })
})

describe('logDroppedConnections', () => {
  it('logs the first connection dropped at MAX_CONNECTIONS at once, then one line with the count per interval', async (t) => {
    const { server, port } = await listen(t, (_request, response) => response.end())
    server.maxConnections = 1
    const lines: object[] = []
    logDroppedConnections(server, 1, { warn: (details) => lines.push(details) }, 200)
    await open(t, port)

    // Each connection past the one held is closed by the server on accept.
    await Promise.all([1, 2, 3].map(async () => once(await open(t, port), 'close')))
    const first = [...lines]
    await until(() => lines.length === 2)

    assert.deepEqual(first, [{ max_connections: 1, dropped_connections: 1 }])
    assert.deepEqual(lines[1], { max_connections: 1, dropped_connections: 2 })
  })
})
