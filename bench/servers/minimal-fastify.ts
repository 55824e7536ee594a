// Fastify with defaults only (no logger, no plugins): the same two handlers behind plain JSON schemas.
import fastify from 'fastify'
import { fibonacci } from '../../src/modules/math/fibonacci.ts'
import { describe } from '../../src/modules/math/statistics.ts'

const app = fastify()

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

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.on('SIGTERM', () => void app.close())
