// Fastify with defaults only (no logger, no plugins): the same four handlers behind plain JSON schemas.
import fastify from 'fastify'
import { fibonacci } from '../../src/modules/math/fibonacci.ts'
import { describe } from '../../src/modules/math/statistics.ts'
import { etagOf } from '../../src/modules/plans/etag.ts'
import { createPlansSql, type PlanInput } from './plans-sql.ts'

const app = fastify()
const plans = createPlansSql(process.env.DATABASE_URL ?? '')

app.get<{ Params: { n: number } }>(
  '/api/v1/math/fibonacci/:n',
  {
    schema: {
      params: {
        type: 'object',
        properties: { n: { type: 'integer', minimum: 0, maximum: 100_000 } },
        required: ['n'],
      },
    },
  },
  async (request) => ({ n: request.params.n, value: fibonacci(request.params.n).toString() }),
)

app.post<{ Body: { values: number[]; quantiles?: number[] } }>(
  '/api/v1/math/statistics',
  {
    schema: {
      body: {
        type: 'object',
        properties: {
          values: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 10_000 },
          quantiles: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1 }, maxItems: 32 },
        },
        required: ['values'],
        additionalProperties: false,
      },
    },
  },
  async (request) => describe(request.body.values, request.body.quantiles),
)

app.get<{ Params: { id: string } }>(
  '/api/v1/plans/:id',
  {
    schema: {
      params: {
        type: 'object',
        properties: { id: { type: 'string', format: 'uuid' } },
        required: ['id'],
      },
    },
  },
  async (request, reply) => {
    const plan = await plans.findPlan(request.params.id)
    if (plan === undefined) return reply.code(404).send({ message: 'not found' })
    return reply.header('etag', etagOf(plan)).send(plan)
  },
)

const date = { type: 'string', format: 'date' }
app.post<{ Body: PlanInput }>(
  '/api/v1/plans',
  {
    schema: {
      body: {
        type: 'object',
        properties: {
          title: { type: 'string', minLength: 1, maxLength: 200 },
          description: { type: 'string', maxLength: 10_000 },
          status: { enum: ['draft', 'active', 'done', 'cancelled'] },
          start_date: date,
          end_date: { anyOf: [date, { type: 'null' }] },
          tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 40 }, maxItems: 20 },
        },
        required: ['title', 'start_date'],
        additionalProperties: false,
      },
    },
  },
  async (request, reply) => {
    const plan = await plans.insertPlan(request.body)
    return reply
      .code(201)
      .header('location', `/api/v1/plans/${plan.id}`)
      .header('etag', etagOf(plan))
      .send(plan)
  },
)

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.on('SIGTERM', () => void app.close().then(() => plans.close()))
