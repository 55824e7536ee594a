// OpenAPI 3.1 generated from the route schemas; /openapi.json and the /docs UI only when enabled.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { ErrorCatalog } from '../errors/app-error.ts'
import { PROBLEM_CONTENT_TYPE } from '../errors/problem.ts'
import { createProblemSchema, describeErrorCodes, PROBLEM_SCHEMA_ID } from './problem-schema.ts'

export interface DocsOptions {
  enabled: boolean
  title: string
  version: string
  description: string
  errorCatalogs: readonly ErrorCatalog[]
}

/** Error statuses every operation can answer, whatever its own schema says. */
const COMMON_ERRORS: Readonly<Record<string, string>> = {
  '400': 'Malformed request or JSON body',
  '413': 'Body larger than BODY_LIMIT_BYTES',
  '415': 'Body is not application/json',
  '422': 'Invalid input; `errors` names each field',
  '500': 'Unexpected error; quote error_id',
  '503': 'Unavailable or past its deadline; retry later',
}

async function docs(app: FastifyInstance, options: DocsOptions) {
  app.addSchema(createProblemSchema(options.errorCatalogs))
  const problemResponse = (description: string) => ({
    description,
    content: {
      [PROBLEM_CONTENT_TYPE.split(';')[0] as string]: { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } },
    },
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        description: `${options.description}\n\n## Error codes\n\n${describeErrorCodes(options.errorCatalogs)}`,
      },
      tags: [
        { name: 'math', description: 'Safe, bounded computation' },
        {
          name: 'plans',
          description: 'Plans tracker: CRUD with ETags, idempotent creates, search and pagination',
        },
        { name: 'health', description: 'Probes for orchestrators and load balancers' },
      ],
    },
    hideUntagged: true,
    // Shared schemas appear in components under their $id ("Problem"), not as def-0.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
    transform: ({ schema, url }) => {
      // Document the standard error responses on every operation, next to its own.
      const response: Record<string, unknown> = {}
      if (!url.startsWith('/health/')) {
        for (const [status, description] of Object.entries(COMMON_ERRORS)) {
          response[status] = problemResponse(description)
        }
      }
      const own = (schema as { response?: Record<string, unknown> } | undefined)?.response ?? {}
      return { schema: { ...schema, response: { ...response, ...own } }, url }
    },
  })

  if (!options.enabled) return
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger())
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Served over plain HTTP on a laptop: upgrading subresources to https would break the page there.
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
    uiConfig: { deepLinking: true },
  })
}

export const docsPlugin = fp(docs, { name: 'docs' })
