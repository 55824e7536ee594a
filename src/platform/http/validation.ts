// Schema validation: bodies are validated exactly as sent; only params, query and headers are coerced.
import { Ajv, type Options } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'

// ajv-formats ships CommonJS with a default export that TypeScript's NodeNext view wraps once more.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

const BASE_OPTIONS: Options = {
  // Unknown fields are an error (schemas say additionalProperties: false), never silently dropped.
  removeAdditional: false,
  useDefaults: true,
  // Every invalid field is named in the 422; MAX_FIELD_ERRORS caps the body, maxItems caps the work.
  allErrors: true,
  strict: false,
}

/**
 * Fastify's validatorCompiler. A JSON body of `"5"` for a number is a client bug we report, so bodies are
 * not coerced; path and query values only exist as strings, so they are.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = addFormats(new Ajv({ ...BASE_OPTIONS, coerceTypes: false }))
  const coercing = addFormats(new Ajv({ ...BASE_OPTIONS, coerceTypes: 'array' }))
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing
    return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>
  }
}
