// OpenAPI 3.1 generated from the route schemas; /openapi.json and the /docs UI only when enabled.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import type { OpenAPIV3, OpenAPIV3_1 } from 'openapi-types'
import type { ErrorCatalog } from '../errors/app-error.ts'
import { CACHE_CONTROL, cacheControlOf } from '../http/cache-control.ts'
import { PROBLEM_CONTENT_TYPE } from '../errors/problem.ts'
import { hoistNamedSchemas } from './named-schemas.ts'
import { createProblemSchema, describeErrorCodes, PROBLEM_SCHEMA_ID } from './problem-schema.ts'

export interface DocsOptions {
  enabled: boolean
  /** Serve /openapi.json and /docs without credentials (DOCS_PUBLIC); otherwise the gate protects them. */
  public: boolean
  title: string
  version: string
  description: string
  /** The service's licence, as OpenAPI's info.license (an SPDX identifier). */
  license?: { name: string; identifier: string }
  errorCatalogs: readonly ErrorCatalog[]
  /** The credentials the gate accepts, by scheme name; every non-public operation lists them as alternatives. */
  securitySchemes: SecuritySchemes
}

/** OpenAPI security schemes by name (components.securitySchemes). */
export type SecuritySchemes = Readonly<Record<string, OpenAPIV3.SecuritySchemeObject>>

/** Error statuses every operation can answer, whatever its own schema says. */
const COMMON_ERRORS: Readonly<Record<string, string>> = {
  '400': 'Malformed request or JSON body',
  '413': 'Body larger than BODY_LIMIT_BYTES',
  '415': 'Body is not application/json',
  '422': 'Invalid input; `errors` names each field',
  '500': 'Unexpected error; quote error_id',
  '429':
    'Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds',
  '503':
    'Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent',
}

/** Statuses every operation behind the authentication gate can answer. */
const AUTHENTICATED_ERRORS: Readonly<Record<string, string>> = {
  '401': 'No credentials, or invalid ones; WWW-Authenticate says which scheme',
  '403': 'Authenticated, but the scopes or role do not allow this',
}

/** How responses may be cached: the policy of platform/http/cache-control.ts, for readers of the document. */
const CACHING = [
  'Every response carries `Cache-Control`, documented per response:',
  `\`${CACHE_CONTROL.noStore}\` for credentials (tokens, API keys), the account (me, sessions), every error,`,
  'every public endpoint (login, health) and every POST, PATCH and DELETE;',
  `\`${CACHE_CONTROL.privateRevalidate}\` for other authenticated reads (a private cache revalidates with the ETag);`,
  '`public, max-age=300` for the public keys at /.well-known/jwks.json.',
].join(' ')

/** The fields platform/rate-limit sets on every answer outside the probes. */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Policy': {
    type: 'string',
    description:
      'The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated.',
  },
  RateLimit: {
    type: 'string',
    description:
      'Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window.',
  },
} as const

/** The Cache-Control header of a documented response. */
function cacheControlHeader(value: string) {
  return {
    'Cache-Control': { type: 'string', const: value, description: 'How a cache may keep this response.' },
  }
}

/** A headers schema with `names` added to its required list (a copy; the route's own is left alone). */
function withRequired<T extends { required?: string[] }>(headers: T | undefined, names: readonly string[]) {
  if (headers === undefined || names.length === 0) return headers
  return { ...headers, required: [...new Set([...(headers.required ?? []), ...names])] }
}

/**
 * A query schema whose properties with a default are not required: validation fills them in, so a
 * client may leave them out (the route's own schema keeps them required, for the handler's types).
 */
function withDefaultsOptional<T extends { required?: string[]; properties?: Record<string, object> }>(
  query: T | undefined,
) {
  if (query?.required === undefined) return query
  const { properties = {} } = query
  return { ...query, required: query.required.filter((name) => !('default' in (properties[name] ?? {}))) }
}

/** The status and meaning of every error code, for the codes a route declares in `config.errors`. */
function errorSpecsOf(catalogs: readonly ErrorCatalog[]) {
  const specs = new Map(catalogs.flatMap((catalog) => Object.entries(catalog)))
  return (code: string, route: string) => {
    const spec = specs.get(code)
    if (spec === undefined) throw new Error(`${route} declares error ${code}, which no error catalog has`)
    return spec
  }
}

async function docs(app: FastifyInstance, options: DocsOptions) {
  // Any one of the schemes will do: each is an alternative requirement of its own.
  const authenticated = Object.keys(options.securitySchemes).map((name) => ({ [name]: [] }))
  app.addSchema(createProblemSchema(options.errorCatalogs))
  const errorSpec = errorSpecsOf(options.errorCatalogs)
  const problemResponse = (description: string) => ({
    description,
    content: {
      [PROBLEM_CONTENT_TYPE.split(';')[0] as string]: { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } },
    },
    headers: cacheControlHeader(CACHE_CONTROL.noStore),
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        ...(options.license === undefined ? {} : { license: options.license }),
        description: `${options.description}\n\n## Caching\n\n${CACHING}\n\n## Error codes\n\n${describeErrorCodes(options.errorCatalogs)}`,
      },
      tags: [
        { name: 'math', description: 'Safe, bounded computation' },
        {
          name: 'plans',
          description: 'Plans tracker: CRUD with ETags, idempotent creates, search and pagination',
        },
        { name: 'health', description: 'Probes for orchestrators and load balancers' },
        { name: 'auth', description: 'Login, tokens, sessions and two-factor authentication' },
        { name: 'api-keys', description: 'API keys for machines: issue, list, revoke' },
        { name: 'users', description: 'Accounts created by administrators' },
      ],
      servers: [{ url: 'http://127.0.0.1:3000', description: '`npm start` on your machine' }],
      components: { securitySchemes: { ...options.securitySchemes } },
      security: authenticated,
    },
    // Titled schemas (Plan, ApiKey, ...) become named components: one type each in generated clients.
    transformObject: (documentObject) =>
      hoistNamedSchemas((documentObject as { openapiObject: OpenAPIV3_1.Document }).openapiObject),
    hideUntagged: true,
    // Shared schemas appear in components under their $id ("Problem"), not as def-0.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
    transform: ({ schema, url, route }) => {
      // Document the standard error responses and the security of every operation, next to its own.
      const isPublic = route.config?.public === true
      const response: Record<string, unknown> = {}
      if (!url.startsWith('/health/')) {
        for (const [status, description] of Object.entries(COMMON_ERRORS)) {
          response[status] = problemResponse(description)
        }
      }
      if (!isPublic) {
        for (const [status, description] of Object.entries(AUTHENTICATED_ERRORS)) {
          response[status] = problemResponse(description)
        }
      }
      // The route's own error codes, each under its status: `CODE`: meaning, after the common meaning.
      for (const code of route.config?.errors ?? []) {
        const spec = errorSpec(code, `${String(route.method)} ${url}`)
        const status = String(spec.status)
        const line = `\`${code}\`: ${spec.description}`
        const common = (response[status] as { description?: string } | undefined)?.description
        response[status] = problemResponse(common === undefined ? line : `${common}\n\n${line}`)
      }
      if (route.config?.conditionalGet === true) {
        response['304'] = {
          description: 'Not modified: If-None-Match named the current ETag. No body.',
          headers: {
            ...cacheControlHeader(cacheControlOf(route.method, route.config)),
            ETag: { type: 'string' },
          },
        }
      }
      const own = (schema as { response?: Record<string, object> } | undefined)?.response ?? {}
      const extraHeaders = route.config?.responseHeaders ?? {}
      // Successful responses carry the route's Cache-Control; errors are no-store (problemResponse).
      const successHeaders = {
        ...cacheControlHeader(cacheControlOf(route.method, route.config)),
        ...(url.startsWith('/health/') ? {} : RATE_LIMIT_HEADERS),
      }
      for (const [status, definition] of Object.entries(own)) {
        const isError = /^[45]/.test(status)
        const headers = isError ? cacheControlHeader(CACHE_CONTROL.noStore) : successHeaders
        response[status] = { ...definition, headers: { ...headers, ...extraHeaders[status] } }
      }
      const security = isPublic ? [] : authenticated
      const headers = withRequired(
        (schema as { headers?: { required?: string[] } } | undefined)?.headers,
        route.config?.requiredHeaders ?? [],
      )
      const querystring = withDefaultsOptional(
        (schema as { querystring?: { required?: string[]; properties?: Record<string, object> } } | undefined)
          ?.querystring,
      )
      return {
        schema: {
          ...schema,
          security,
          response,
          ...(headers === undefined ? {} : { headers }),
          ...(querystring === undefined ? {} : { querystring }),
        },
        url,
      }
    },
  })

  if (!options.enabled) return
  app.get('/openapi.json', { config: { public: options.public }, schema: { hide: true } }, async () =>
    app.swagger(),
  )
  // The UI's routes are registered by @fastify/swagger-ui: marked public (or not) from this scope. Imported
  // only when the docs are enabled (it brings @fastify/static with it).
  const { default: swaggerUi } = await import('@fastify/swagger-ui')
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: options.public }
    })
    await scope.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // Served over plain HTTP on a laptop: upgrading subresources to https would break the page there.
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
      uiConfig: { deepLinking: true },
    })
  })
}

export const docsPlugin = fp(docs, { name: 'docs' })
