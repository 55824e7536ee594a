// Schema validation: bodies are validated exactly as sent; only params, query and headers are coerced.
import { Ajv, type Options, type ValidateFunction } from 'ajv'
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
 * Each validator is compiled by its route's first request (see compileOnFirstUse).
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  let strict: Ajv | undefined
  let coercing: Ajv | undefined
  return ({ schema, httpPart }) => {
    if (httpPart === 'body') {
      return compileOnFirstUse(() => {
        strict ??= addFormats(new Ajv({ ...BASE_OPTIONS, coerceTypes: false }))
        return strict.compile(schema as object)
      })
    }
    return compileOnFirstUse(() => {
      coercing ??= addFormats(new Ajv({ ...BASE_OPTIONS, coerceTypes: 'array' }))
      return coercing.compile(withDecimalIntegers(schema as Schema))
    })
  }
}

type CompiledValidator = ReturnType<FastifySchemaCompiler<unknown>>

/**
 * A validator that compiles itself when first called. Compiling every route's schemas took ~85 ms of CPU
 * at each start, a third of building the app: a replacement worker is serving sooner (issue 11: restored
 * within 2 s) and pays for the routes it is asked for. Ajv's validate functions carry `schemaEnv`, on which
 * Fastify passes the parent object (so that Ajv may replace a root value); the stand-in carries it too and
 * hands the parent on, and copies `errors` after each call as Ajv's own function would have them.
 */
function compileOnFirstUse(compile: () => ValidateFunction): CompiledValidator {
  let validate: ValidateFunction | undefined
  const validator = (data: unknown, parent?: Parameters<ValidateFunction>[1]) => {
    validate ??= compile()
    const valid = validate(data, parent)
    validator.errors = validate.errors
    return valid
  }
  validator.errors = undefined as ValidateFunction['errors']
  validator.schemaEnv = true
  return validator as CompiledValidator
}
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
