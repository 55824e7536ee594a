import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { generateOpenApi } from '../../../src/cli/openapi.ts'
import { renderErrorsDoc } from '../../../src/cli/errors-doc.ts'
import { PLATFORM_ERRORS } from '../../../src/platform/errors/catalog.ts'
import { MATH_ERRORS } from '../../../src/modules/math/errors.ts'
import { ACCOUNT_ERRORS } from '../../../src/modules/accounts/errors.ts'
import { PLAN_ERRORS } from '../../../src/modules/plans/errors.ts'
import { buildTestApp } from '../../helpers/build-app.ts'
import { OPENAPI_TYPES_PATH, renderOpenApiTypes } from '../../../scripts/openapi-types.ts'

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string
}

/** The document as generated now, built once for every test here (each build starts the whole app). */
let generation: Promise<string> | undefined
const generated = () => (generation ??= generateOpenApi(packageJson.version))

interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>
  components: { schemas: Record<string, { properties: { error_code: { enum: string[] } } }> }
}

describe('openapi.json', () => {
  it('is up to date with the route schemas (run `npm run openapi` after changing them)', async () => {
    const committed = readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')

    assert.equal(committed, await generated())
  })

  it('has client types in clients/typescript/ that are up to date with it', async () => {
    const committed = readFileSync(new URL(`../../../${OPENAPI_TYPES_PATH}`, import.meta.url), 'utf8')

    assert.equal(committed, await renderOpenApiTypes(await generated()))
  })

  it('has a docs/ERRORS.md that is up to date with the error catalogs', () => {
    const committed = readFileSync(new URL('../../../docs/ERRORS.md', import.meta.url), 'utf8')

    assert.equal(committed, renderErrorsDoc())
  })

  it('is OpenAPI 3.1 and documents the Math API with examples and the standard errors', async () => {
    const document = JSON.parse(await generated()) as OpenApiDocument

    assert.equal(document.openapi, '3.1.0')
    for (const [path, method] of [
      ['/api/v1/math/evaluate', 'post'],
      ['/api/v1/math/statistics', 'post'],
      ['/api/v1/math/fibonacci/{n}', 'get'],
    ] as const) {
      const operation = document.paths[path]?.[method]
      assert.ok(operation, `${method} ${path} is documented`)
      assert.ok(operation.responses['200'])
      assert.ok(operation.responses['422'], 'validation errors are documented')
      // Examples live in the operation or in the named schemas it refers to.
      const refs = [...JSON.stringify(operation).matchAll(/#\/components\/schemas\/(\w+)/g)].map(
        (m) => m[1] ?? '',
      )
      const used = JSON.stringify([operation, ...refs.map((name) => document.components.schemas[name])])
      assert.match(used, /example/)
    }
  })

  it('documents Cache-Control on every response: no-store on every error (issue 8)', async () => {
    const document = JSON.parse(await generated()) as OpenApiDocument
    type Documented = { headers?: Record<string, { schema: { const: string } }> }

    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const header = (response as Documented).headers?.['Cache-Control']
          const label = `${method} ${path} ${status}`
          assert.ok(header, `${label} documents Cache-Control`)
          if (/^[45]/.test(status)) assert.equal(header.schema.const, 'no-store', label)
        }
      }
    }
    const responses = (path: string, method: string) => document.paths[path]?.[method]?.responses ?? {}
    const cacheControl = (response: unknown) =>
      (response as Documented).headers?.['Cache-Control']?.schema.const
    assert.equal(cacheControl(responses('/api/v1/auth/me', 'get')['200']), 'no-store')
    assert.equal(cacheControl(responses('/api/v1/plans/{id}', 'get')['200']), 'private, no-cache')
    assert.equal(cacheControl(responses('/.well-known/jwks.json', 'get')['200']), 'public, max-age=300')
  })

  it('declares the security schemes, and the security of every operation (public ones: none)', async () => {
    const document = JSON.parse(await generated()) as OpenApiDocument & {
      components: { securitySchemes: Record<string, { type: string }> }
    }
    const publicOperations = new Set([
      'get /health/live',
      'get /health/ready',
      'get /.well-known/jwks.json',
      'post /api/v1/auth/login',
      'post /api/v1/auth/refresh',
      'post /api/v1/auth/register',
    ])

    assert.deepEqual(Object.keys(document.components.securitySchemes).sort(), [
      'apiKeyHeader',
      'bearerAuth',
      'cookieAuth',
    ])
    let operations = 0
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const security = (operation as { security?: unknown[] }).security
        const label = `${method} ${path}`
        assert.ok(Array.isArray(security), `${label} declares its security`)
        if (publicOperations.has(label)) assert.deepEqual(security, [], label)
        else {
          assert.equal(security.length, 3, label)
          assert.ok(
            operation.responses['401'] && operation.responses['403'],
            `${label} documents 401 and 403`,
          )
        }
        operations += 1
      }
    }
    assert.ok(operations >= 25, `${operations} operations`)
  })

  it('is shaped for client generators: operationIds, named schemas, every route, no stray slash (issue 9)', () => {
    const document = JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')) as {
      servers?: { url: string }[]
      paths: Record<string, Record<string, Operation>>
      components: { schemas: Record<string, unknown> }
    }
    interface Operation {
      operationId?: string
      parameters?: { in: string; name: string; required?: boolean }[]
      responses: Record<
        string,
        { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }
      >
    }
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    )
    const ids = operations.map(({ operation }) => operation.operationId)
    assert.ok(
      ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)),
      JSON.stringify(ids),
    )
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique')
    for (const name of [
      'Plan',
      'PlanPage',
      'PlanCreate',
      'ApiKey',
      'ApiKeyCreated',
      'User',
      'TokenPair',
      'Problem',
    ]) {
      assert.ok(name in document.components.schemas, name)
    }
    assert.deepEqual(
      document.paths['/api/v1/plans/{id}']?.get?.responses['200']?.content?.['application/json']?.schema,
      {
        $ref: '#/components/schemas/Plan',
      },
    )
    assert.ok('/health/live' in document.paths && '/health/ready' in document.paths)
    assert.deepEqual(
      Object.keys(document.paths).filter((path) => path.endsWith('/')),
      [],
    )
    const patch = document.paths['/api/v1/plans/{id}']?.patch
    assert.equal(patch?.parameters?.find((p) => p.in === 'header' && p.name === 'if-match')?.required, true)
    const created = document.paths['/api/v1/plans']?.post?.responses['201']?.headers ?? {}
    assert.deepEqual(Object.keys(created).sort(), [
      'Cache-Control',
      'ETag',
      'Idempotent-Replayed',
      'Location',
      'RateLimit',
      'RateLimit-Policy',
    ])
    // The probes are never rate limited, so their answers carry no RateLimit fields.
    assert.ok(!('RateLimit' in (document.paths['/health/live']?.get?.responses['200']?.headers ?? {})))
    assert.ok('ETag' in (document.paths['/api/v1/plans/{id}']?.get?.responses['200']?.headers ?? {}))
    assert.ok((document.servers?.length ?? 0) > 0)
  })

  it('documents each module error under its status on the operations that answer it, 204s without a body, defaulted query parameters as optional', () => {
    const document = JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')) as {
      paths: Record<string, Record<string, Operation>>
    }
    interface Operation {
      parameters?: { in: string; name: string; required?: boolean }[]
      responses: Record<string, { description: string; content?: unknown }>
    }
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods))

    for (const [code, spec] of Object.entries({ ...ACCOUNT_ERRORS, ...PLAN_ERRORS, ...MATH_ERRORS })) {
      const documented = operations.some((operation) =>
        operation.responses[String(spec.status)]?.description.includes(`\`${code}\``),
      )
      assert.ok(documented, `${code} is documented under ${spec.status} by some operation`)
    }
    const plan = document.paths['/api/v1/plans/{id}']
    assert.match(plan?.get?.responses['404']?.description ?? '', /`PLAN_NOT_FOUND`/)
    assert.match(plan?.patch?.responses['428']?.description ?? '', /`PLAN_PRECONDITION_REQUIRED`/)
    assert.match(plan?.patch?.responses['412']?.description ?? '', /`PLAN_VERSION_MISMATCH`/)
    assert.equal(plan?.delete?.responses['204']?.content, undefined)
    assert.equal(document.paths['/api/v1/auth/logout']?.post?.responses['204']?.content, undefined)
    const list = document.paths['/api/v1/plans']?.get?.parameters ?? []
    assert.deepEqual(
      list.filter((p) => p.required === true).map((p) => p.name),
      [],
      'limit and sort have defaults: a client may leave them out',
    )
  })

  it('lists every error code the service can answer with', async () => {
    const document = JSON.parse(await generated()) as OpenApiDocument

    const codes = document.components.schemas.Problem?.properties.error_code.enum ?? []
    for (const code of [...Object.keys(PLATFORM_ERRORS), ...Object.keys(MATH_ERRORS)]) {
      assert.ok(codes.includes(code), `${code} is documented`)
    }
  })
})

describe('docs routes', () => {
  it('serve /openapi.json and the /docs UI with a CSP that lets the UI run, when enabled', async (t) => {
    const { app } = await buildTestApp(t, { DOCS_ENABLED: 'true' })

    const spec = await app.inject({ url: '/openapi.json' })
    const ui = await app.inject({ url: '/docs/' })

    assert.equal(spec.statusCode, 200)
    assert.equal(spec.json().openapi, '3.1.0')
    assert.equal(ui.statusCode, 200)
    assert.match(ui.body, /swagger/i)
    const csp = String(ui.headers['content-security-policy'])
    assert.match(csp, /script-src 'self'/)
    assert.ok(!csp.includes("default-src 'none'"))
    assert.ok(!csp.includes('upgrade-insecure-requests'))
  })

  it('are absent when DOCS_ENABLED=false', async (t) => {
    const { app } = await buildTestApp(t, { DOCS_ENABLED: 'false' })

    assert.equal((await app.inject({ url: '/openapi.json' })).statusCode, 404)
    assert.equal((await app.inject({ url: '/docs/' })).statusCode, 404)
  })
})
