// The HTTP surface of the Math API: route table and thin handlers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { MathSchemas } from './schemas.ts'
import type { MathService } from './service.ts'

export interface MathRoutesOptions {
  math: MathService
  schemas: MathSchemas
}

export const mathRoutes: FastifyPluginAsyncTypebox<MathRoutesOptions> = async (app, { math, schemas }) => {
  app.post(
    '/evaluate',
    {
      config: {
        auth: { scopes: ['math:read'] },
        errors: [
          'EXPRESSION_INVALID',
          'EXPRESSION_FORBIDDEN',
          'EXPRESSION_TOO_COMPLEX',
          'RESULT_NOT_FINITE',
          'RESULT_TOO_LARGE',
        ],
      },
      schema: {
        tags: ['math'],
        operationId: 'evaluateExpression',
        summary: 'Evaluate an arithmetic expression in a restricted sandbox',
        description:
          'Elementary functions, matrices and comparisons only: no assignments, function definitions, ranges, ' +
          'imports or parser access. Expressions are bounded in length and parse-tree size.',
        body: schemas.EvaluateRequestSchema,
        response: { 200: schemas.EvaluateResponseSchema },
      },
    },
    async (request) => math.evaluate(request.body.expression, request.body.scope),
  )

  app.post(
    '/statistics',
    {
      config: { auth: { scopes: ['math:read'] }, errors: ['RESULT_NOT_FINITE'] },
      schema: {
        tags: ['math'],
        operationId: 'computeStatistics',
        summary: 'Descriptive statistics of a list of numbers',
        body: schemas.StatisticsRequestSchema,
        response: { 200: schemas.StatisticsResponseSchema },
      },
    },
    async (request) => math.statistics(request.body.values, request.body.quantiles),
  )

  app.get(
    '/fibonacci/:n',
    {
      config: { auth: { scopes: ['math:read'] } },
      schema: {
        tags: ['math'],
        operationId: 'getFibonacci',
        summary: 'The n-th Fibonacci number, exact',
        params: schemas.FibonacciParamsSchema,
        response: { 200: schemas.FibonacciResponseSchema },
      },
    },
    async (request) => math.fibonacci(request.params.n),
  )
}
