// The HTTP surface of plans: route table and thin handlers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { etagOf, expectedVersionOf } from './etag.ts'
import {
  IdempotencyHeadersSchema,
  IfMatchHeadersSchema,
  PlanCreateSchema,
  PlanIdParamsSchema,
  PlanListQuerySchema,
  PlanPageSchema,
  PlanPatchSchema,
  PlanSchema,
} from './schemas.ts'
import type { PlansService } from './service.ts'

export const plansRoutes: FastifyPluginAsyncTypebox<{ plans: PlansService; prefix: string }> = async (
  app,
  { plans, prefix },
) => {
  const tags = ['plans']

  app.post(
    '/',
    {
      config: { auth: { scopes: ['plans:write'] } },
      schema: {
        tags,
        summary: 'Create a plan',
        headers: IdempotencyHeadersSchema,
        body: PlanCreateSchema,
        response: { 201: PlanSchema },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key']
      const { plan, replayed } =
        key === undefined
          ? { plan: await plans.create(request.principal, request.body), replayed: false }
          : await plans.createIdempotent(request.principal, request.body, key)
      if (replayed) reply.header('idempotent-replayed', 'true')
      return reply
        .code(201)
        .header('location', `${prefix}/${plan.id}`)
        .header('etag', etagOf(plan))
        .send(plan)
    },
  )

  app.get(
    '/',
    {
      config: { auth: { scopes: ['plans:read'] } },
      schema: {
        tags,
        summary: 'List plans: filters, full-text search, keyset pagination',
        querystring: PlanListQuerySchema,
        response: { 200: PlanPageSchema },
      },
    },
    async (request) => plans.list(request.principal, request.query),
  )

  app.get(
    '/:id',
    {
      config: { auth: { scopes: ['plans:read'] } },
      schema: { tags, summary: 'Get a plan', params: PlanIdParamsSchema, response: { 200: PlanSchema } },
    },
    async (request, reply) => {
      const plan = await plans.get(request.principal, request.params.id)
      return reply.header('etag', etagOf(plan)).send(plan)
    },
  )

  app.patch(
    '/:id',
    {
      config: { auth: { scopes: ['plans:write'] } },
      schema: {
        tags,
        summary: 'Change a plan (If-Match with its ETag is required)',
        params: PlanIdParamsSchema,
        headers: IfMatchHeadersSchema,
        body: PlanPatchSchema,
        response: { 200: PlanSchema },
      },
    },
    async (request, reply) => {
      const expected = expectedVersionOf(request.headers['if-match'])
      const plan = await plans.update(request.principal, request.params.id, request.body, expected)
      return reply.header('etag', etagOf(plan)).send(plan)
    },
  )

  app.delete(
    '/:id',
    {
      config: { auth: { scopes: ['plans:write'] } },
      schema: {
        tags,
        summary: 'Delete a plan (If-Match optional: deletes only that version)',
        params: PlanIdParamsSchema,
        headers: IfMatchHeadersSchema,
      },
    },
    async (request, reply) => {
      await plans.remove(request.principal, request.params.id, expectedVersionOf(request.headers['if-match']))
      return reply.code(204).send()
    },
  )
}
