// /api/v1/api-keys: issue, list and revoke API keys.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Scope } from '../../../platform/auth/principal.ts'
import { CACHE_CONTROL } from '../../../platform/http/cache-control.ts'
import { contextOf } from '../client-context.ts'
import {
  ApiKeyCreatedSchema,
  ApiKeyListQuerySchema,
  ApiKeyPageSchema,
  ApiKeySchema,
  createApiKeyCreateSchema,
  IdParamsSchema,
} from '../schemas.ts'
import type { ApiKeysService } from './service.ts'

export interface ApiKeysRoutesOptions {
  apiKeys: ApiKeysService
  /** The scopes a key may carry (src/scopes.ts). */
  scopes: readonly Scope[]
  prefix: string
}

export const apiKeysRoutes: FastifyPluginAsyncTypebox<ApiKeysRoutesOptions> = async (
  app,
  { apiKeys, scopes, prefix },
) => {
  const tags = ['api-keys']

  app.post(
    '/',
    {
      schema: {
        tags,
        operationId: 'createApiKey',
        summary: 'Issue an API key (the key is shown only in this response)',
        description:
          'Users issue keys acting as themselves, with at most their own scopes; admins may set owner_id and any scope. Overlapping rotation: issue the new key, deploy it, then revoke the old one.',
        body: createApiKeyCreateSchema(scopes),
        response: { 201: ApiKeyCreatedSchema },
      },
    },
    async (request, reply) => {
      const { key, apiKey } = await apiKeys.create(request.principal, request.body, contextOf(request))
      return reply.code(201).header('location', `${prefix}/${apiKey.id}`).send({ key, api_key: apiKey })
    },
  )

  app.get(
    '/',
    {
      config: { cacheControl: CACHE_CONTROL.noStore },
      schema: {
        tags,
        operationId: 'listApiKeys',
        summary: 'List API keys (your own; admins see all), newest first',
        querystring: ApiKeyListQuerySchema,
        response: { 200: ApiKeyPageSchema },
      },
    },
    async (request) => apiKeys.list(request.principal, request.query.limit, request.query.cursor),
  )

  app.delete(
    '/:id',
    {
      config: { errors: ['API_KEY_NOT_FOUND'] },
      schema: {
        tags,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key (by id or prefix); it stops working everywhere within a second',
        params: IdParamsSchema,
        response: { 200: ApiKeySchema },
      },
    },
    async (request) => apiKeys.revoke(request.principal, request.params.id, contextOf(request)),
  )
}
