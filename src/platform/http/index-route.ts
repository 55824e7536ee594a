// GET / outside production: a small index (name, version, where the docs and probes are) instead of a 404,
// for the developer who opens the server's address in a browser. Production keeps / a 404: an index there
// only tells strangers what runs. Hidden from the OpenAPI document, which is the same in every environment.
import type { FastifyInstance } from 'fastify'

export interface IndexRouteOptions {
  name: string
  version: string
  docs: boolean
}

export async function indexRoute(app: FastifyInstance, options: IndexRouteOptions): Promise<void> {
  const body = {
    name: options.name,
    version: options.version,
    links: {
      ...(options.docs ? { docs: '/docs', openapi: '/openapi.json' } : {}),
      liveness: '/health/live',
      readiness: '/health/ready',
      api: '/api/v1',
    },
  }
  app.get('/', { config: { public: true }, schema: { hide: true } }, async () => body)
}
