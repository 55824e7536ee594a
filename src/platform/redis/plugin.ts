// Puts Redis in the detailed health: a PING bounded by the command timeout, as a check that does not fail
// readiness (without Redis every store falls back locally, so the instance still serves).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { RedisClient } from './client.ts'

export interface RedisPluginOptions {
  client: RedisClient
}

async function redis(app: FastifyInstance, options: RedisPluginOptions) {
  const { client } = options
  app.health.addCheck({
    name: 'redis',
    critical: false,
    check: async () => {
      await client.ping()
      return { key_prefix: client.keyPrefix }
    },
  })
}

export const redisPlugin = fp(redis, { name: 'redis', dependencies: ['health'] })
