// createFaultProxy: a TCP proxy on 127.0.0.1 between a server under test and a dependency, that produces
// network faults for real: cut every connection at once, or black-hole traffic (connections stay open and
// nothing gets through, as with a dead host or a partitioned network). Closed after the test.
import { connect, createServer, type Socket } from 'node:net'
import type { TestContext } from 'node:test'

export interface FaultProxy {
  port: number
  /** Destroys every proxied connection now (both sides see a reset or an unexpected end). */
  cutAll(): void
  /** While on, new and existing connections carry no bytes in either direction and are never closed. */
  setBlackHole(on: boolean): void
  /** How many connections are open right now. */
  openConnections(): number
}

export async function createFaultProxy(
  t: Pick<TestContext, 'after'>,
  target: { host: string; port: number },
): Promise<FaultProxy> {
  const pairs = new Set<[Socket, Socket | undefined]>()
  let blackHole = false

  const server = createServer((client) => {
    const pair: [Socket, Socket | undefined] = [client, undefined]
    pairs.add(pair)
    const forget = () => {
      pairs.delete(pair)
      client.destroy()
      pair[1]?.destroy()
    }
    client.on('error', forget)
    client.on('close', forget)
    if (blackHole) {
      // Accepted, then silence: the client's connect succeeds and its first read never returns.
      client.pause()
      return
    }
    const upstream = connect(target)
    pair[1] = upstream
    upstream.on('error', forget)
    upstream.on('close', forget)
    client.on('data', (chunk: Buffer) => {
      if (!blackHole) upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (!blackHole) client.write(chunk)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('fault proxy has no port')
  const cutAll = () => {
    for (const [client, upstream] of [...pairs]) {
      client.resetAndDestroy()
      upstream?.resetAndDestroy()
    }
  }
  t.after(async () => {
    cutAll()
    await new Promise((resolve) => server.close(resolve))
  })
  return {
    port: address.port,
    cutAll,
    setBlackHole(on) {
      blackHole = on
    },
    openConnections: () => pairs.size,
  }
}
