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

/** What a path, query or header value must look like to be coerced to an integer. */
export const DECIMAL_INTEGER = '^-?[0-9]+$'

/**
 * Fastify's validatorCompiler. A JSON body of `"5"` for a number is a client bug we report, so bodies are
 * not coerced; path and query values only exist as strings, so they are, integers from decimal digits only.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = addFormats(new Ajv({ ...BASE_OPTIONS, coerceTypes: false }))
  const coercing = addFormats(new Ajv({ ...BASE_OPTIONS, coerceTypes: 'array' }))
  return ({ schema, httpPart }) => {
    if (httpPart === 'body') return strict.compile(schema as object) as CompiledValidator
    return coercing.compile(withDecimalIntegers(schema as Schema)) as CompiledValidator
  }
}

type CompiledValidator = ReturnType<FastifySchemaCompiler<unknown>>
interface Schema {
  properties?: Record<string, { type?: unknown }>
  allOf?: unknown[]
}

/**
 * Ajv coerces any string JavaScript's Number() accepts: ' ' becomes 0, '1e3' 1000, '0x10' 16. So each
 * integer property must first match DECIMAL_INTEGER as the string it arrived as: allOf runs before the
 * properties keyword that coerces, and `pattern` ignores a value that is not a string.
 */
function withDecimalIntegers(schema: Schema): Schema {
  const integers = Object.entries(schema.properties ?? {}).filter(([, property]) => isInteger(property))
  if (integers.length === 0) return schema
  const properties = Object.fromEntries(integers.map(([name]) => [name, { pattern: DECIMAL_INTEGER }]))
  return { ...schema, allOf: [...(schema.allOf ?? []), { properties }] }
}

function isInteger(property: { type?: unknown }): boolean {
  const { type } = property
  return type === 'integer' || (Array.isArray(type) && type.includes('integer'))
}
