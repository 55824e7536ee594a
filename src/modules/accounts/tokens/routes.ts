// GET /.well-known/jwks.json: the public keys that verify access tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { JwksSchema } from '../schemas.ts'
import type { Keyring } from './keyring.ts'

export const jwksRoutes: FastifyPluginAsyncTypebox<{ keyring: Keyring }> = async (app, { keyring }) => {
  app.get(
    '/.well-known/jwks.json',
    {
      // Public keys, the same for everyone; a verifier may keep them a few minutes (rotation overlaps 15).
      config: { public: true, cacheControl: 'public, max-age=300' },
      schema: {
        tags: ['auth'],
        operationId: 'getJwks',
        summary: 'Public keys that verify access tokens (current and previous)',
        security: [],
        response: { 200: JwksSchema },
      },
    },
    async () => keyring.jwks,
  )
}
