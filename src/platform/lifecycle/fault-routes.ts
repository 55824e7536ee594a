// Routes that break the process on purpose, registered by the served process only under NODE_ENV=test (never
// by buildApp, whose in-process tests walk every route): the tests of the process
// model use them to produce a busy event loop, an error inside a request and a crash outside any request
// in a real worker. Hidden from the API document; never registered in development or production.
import type { FastifyInstance } from 'fastify'

/** Longest busy loop a test may ask for. */
const MAX_BUSY_MS = 120_000

export const FAULT_ROUTE_PREFIX = '/__test'

export async function faultRoutes(app: FastifyInstance): Promise<void> {
  const hidden = { hide: true } as const
  app.get(
    `${FAULT_ROUTE_PREFIX}/busy`,
    {
      config: { public: true },
      schema: {
        ...hidden,
        querystring: {
          type: 'object',
          properties: { ms: { type: 'integer', minimum: 0, maximum: MAX_BUSY_MS } },
        },
      },
    },
    async (request) => {
      const { ms = 1000 } = request.query as { ms?: number }
      const until = performance.now() + ms
      // Blocks the event loop: what the supervisor's heartbeat is for.
      while (performance.now() < until);
      return { busy_ms: ms }
    },
  )
  app.get(`${FAULT_ROUTE_PREFIX}/throw`, { config: { public: true }, schema: hidden }, async () => {
    throw new Error('fault route: an exception inside a request')
  })
  app.get(
    `${FAULT_ROUTE_PREFIX}/crash`,
    { config: { public: true }, schema: hidden },
    async (_request, reply) => {
      setImmediate(() => {
        throw new Error('fault route: an exception outside any request')
      })
      return reply.code(202).send({ crashing: process.pid })
    },
  )
  app.get(`${FAULT_ROUTE_PREFIX}/pid`, { config: { public: true }, schema: hidden }, async () => ({
    pid: process.pid,
  }))
}
