// The problem+json schema published in OpenAPI, with every stable error code the service can answer.
import { Type, type TSchema } from 'typebox'
import type { ErrorCatalog } from '../errors/app-error.ts'

export const PROBLEM_SCHEMA_ID = 'Problem'

export function createProblemSchema(catalogs: readonly ErrorCatalog[]): TSchema {
  const codes = catalogs.flatMap((catalog) => Object.keys(catalog)).sort()
  return Type.Object(
    {
      type: Type.String({ description: 'URI identifying the problem type (RFC 9457 §3.1.1)' }),
      title: Type.String(),
      status: Type.Integer({ minimum: 400, maximum: 599 }),
      detail: Type.String(),
      instance: Type.Optional(Type.String({ description: 'The request path' })),
      error_id: Type.String({
        format: 'uuid',
        description: 'Unique per occurrence; the log line carries it too',
      }),
      error_code: Type.Unsafe<string>({
        type: 'string',
        enum: codes,
        description: 'Stable code; see the table in the API description',
      }),
      request_id: Type.String(),
      timestamp: Type.String({ format: 'date-time' }),
      errors: Type.Optional(
        Type.Array(
          Type.Object({
            location: Type.Union([
              Type.Literal('body'),
              Type.Literal('query'),
              Type.Literal('params'),
              Type.Literal('headers'),
            ]),
            pointer: Type.String({ description: 'JSON Pointer to the field' }),
            message: Type.String(),
          }),
          { description: 'For 422: each invalid field' },
        ),
      ),
    },
    { $id: PROBLEM_SCHEMA_ID, additionalProperties: false },
  )
}

/** A Markdown table of every error code, for the OpenAPI description. */
export function describeErrorCodes(catalogs: readonly ErrorCatalog[]): string {
  const rows = catalogs
    .flatMap((catalog) => Object.entries(catalog))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, spec]) => `| \`${code}\` | ${spec.status} | ${spec.description} |`)
  return ['| error_code | status | meaning |', '| --- | --- | --- |', ...rows].join('\n')
}
