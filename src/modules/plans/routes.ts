// The HTTP surface of plans: route table and thin handlers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { NoContent } from '../../platform/http/nullable.ts'
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
  const etag = {
    type: 'string',
    description: 'The version of this plan, for If-Match on a later change and If-None-Match on a later read',
  }
  const listEtag = {
    type: 'string',
    description: 'A weak tag of this page, for If-None-Match on a later read',
  }

  app.post(
    '/',
    {
      config: {
        auth: { scopes: ['plans:write'] },
        errors: ['IDEMPOTENCY_KEY_REUSED'],
        responseHeaders: {
          201: {
            Location: { type: 'string', description: 'The URL of the new plan' },
            ETag: etag,
            'Idempotent-Replayed': {
              type: 'string',
              const: 'true',
              description:
                'Present when this is the stored answer to an earlier request with the same Idempotency-Key',
            },
          },
        },
      },
      schema: {
        tags,
        operationId: 'createPlan',
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
      config: {
        auth: { scopes: ['plans:read'] },
        conditionalGet: true,
        responseHeaders: { 200: { ETag: listEtag } },
      },
      schema: {
        tags,
        operationId: 'listPlans',
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
      config: {
        auth: { scopes: ['plans:read'] },
        errors: ['PLAN_NOT_FOUND'],
        conditionalGet: true,
        responseHeaders: { 200: { ETag: etag } },
      },
      schema: {
        tags,
        operationId: 'getPlan',
        summary: 'Get a plan',
        params: PlanIdParamsSchema,
        response: { 200: PlanSchema },
      },
    },
    async (request, reply) => {
      const plan = await plans.get(request.principal, request.params.id)
      return reply.header('etag', etagOf(plan)).send(plan)
    },
  )

  app.patch(
    '/:id',
    {
      config: {
        auth: { scopes: ['plans:write'] },
        errors: ['PLAN_NOT_FOUND', 'PLAN_VERSION_MISMATCH', 'PLAN_PRECONDITION_REQUIRED'],
        responseHeaders: { 200: { ETag: etag } },
        // Its absence is answered 428 PRECONDITION_REQUIRED by the service, not 422 by validation.
        requiredHeaders: ['if-match'],
      },
      schema: {
        tags,
        operationId: 'updatePlan',
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
      config: { auth: { scopes: ['plans:write'] }, errors: ['PLAN_NOT_FOUND', 'PLAN_VERSION_MISMATCH'] },
      schema: {
        tags,
        operationId: 'deletePlan',
        summary: 'Delete a plan (If-Match optional: deletes only that version)',
        params: PlanIdParamsSchema,
        headers: IfMatchHeadersSchema,
        response: { 204: NoContent('Deleted') },
      },
    },
    async (request, reply) => {
      await plans.remove(request.principal, request.params.id, expectedVersionOf(request.headers['if-match']))
      return reply.code(204).send(null)
    },
  )
}
