// Issue 12: rate limits hold across the workers of one machine without Redis (the primary keeps the logs):
// a limit of N per window admits exactly N whichever worker each request reaches.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Agent, get } from 'node:http'
import { bearer, startServer } from '../helpers/server-process.ts'

const LIMIT = 40

describe('rate limits across workers (issue 12)', { timeout: 120_000 }, () => {
  it('admits exactly the limit across two workers, at high concurrency', async (t) => {
    const server = await startServer(t, { WORKERS: '2', RATE_LIMIT_ADMIN: `${String(LIMIT)}/1m` })
    await server.waitForLog((line) => line.message === 'listening', 60_000)
    const key = await server.adminKey()
    // Many connections, so that the cluster spreads them over both workers.
    const agent = new Agent({ keepAlive: true, maxSockets: 32 })
    t.after(() => agent.destroy())
    const status = () =>
      new Promise<number>((resolve, reject) => {
        const request = get(
          `${server.baseUrl}/api/v1/math/fibonacci/10`,
          { agent, headers: bearer(key), timeout: 20_000 },
          (response) => {
            response.resume()
            response.on('end', () => resolve(response.statusCode ?? 0))
          },
        )
        request.on('timeout', () => request.destroy(new Error('no answer in 20 s')))
        request.on('error', reject)
      })
    const statuses = await Promise.all(Array.from({ length: LIMIT * 4 }, status))
    assert.equal(statuses.filter((status) => status === 200).length, LIMIT)
    assert.equal(statuses.filter((status) => status === 429).length, LIMIT * 3)
    // Both workers answered some of them, admitted or not.
    const workers = new Set(
      server.logs
        .filter((line) => line.route === '/api/v1/math/fibonacci/:n' && typeof line.pid === 'number')
        .map((line) => line.pid),
    )
    assert.equal(workers.size, 2, 'every request reached the same worker')
  })
})
