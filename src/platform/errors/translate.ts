// Turns any thrown value into an AppError: ours pass through, Fastify's become their documented codes.
import type { FastifyError } from 'fastify'
import { AppError, type FieldError } from './app-error.ts'
import { platformErrors } from './catalog.ts'
import { invalidFields } from './invalid-fields.ts'

/** A 422 lists at most this many fields; a huge invalid array must not produce a huge error body. */
const MAX_FIELD_ERRORS = 50

interface SchemaError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

const LOCATIONS: Readonly<Record<string, FieldError['location']>> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
}

/** Fastify error codes with a fixed meaning for the client. */
const FASTIFY_CODES: Readonly<Record<string, () => AppError>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => platformErrors.UNSUPPORTED_MEDIA_TYPE(),
  FST_ERR_CTP_INVALID_TYPE: () => platformErrors.UNSUPPORTED_MEDIA_TYPE(),
  FST_ERR_CTP_BODY_TOO_LARGE: () => platformErrors.PAYLOAD_TOO_LARGE(),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    platformErrors.MALFORMED_JSON({ detail: 'The body is empty but Content-Type is application/json' }),
  // Also raised for bodies with __proto__ or constructor.prototype keys (prototype poisoning).
  FST_ERR_CTP_INVALID_JSON_BODY: () => platformErrors.MALFORMED_JSON(),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    platformErrors.BAD_REQUEST({ detail: 'Content-Length does not match the body' }),
  FST_ERR_HANDLER_TIMEOUT: () => platformErrors.HANDLER_TIMEOUT({ headers: { 'retry-after': '1' } }),
}

/** Maps a library's error to an AppError when it recognises it (e.g. the database driver's). */
export type ErrorTranslator = (error: unknown) => AppError | undefined

/** Returns the AppError to answer with, and whether the error was unexpected (a bug or an outage: 5xx). */
export function toAppError(
  error: unknown,
  translators: readonly ErrorTranslator[] = [],
): { appError: AppError; unexpected: boolean } {
  if (error instanceof AppError) return { appError: error, unexpected: error.status >= 500 }
  for (const translate of translators) {
    const translated = translate(error)
    if (translated !== undefined) return { appError: translated, unexpected: translated.status >= 500 }
  }
  const fastifyError = error as Partial<FastifyError> & { validation?: SchemaError[] }
  if (Array.isArray(fastifyError.validation)) {
    return {
      appError: validationError(fastifyError.validation, fastifyError.validationContext),
      unexpected: false,
    }
  }
  const known = fastifyError.code === undefined ? undefined : FASTIFY_CODES[fastifyError.code]
  if (known !== undefined) return { appError: known(), unexpected: false }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return { appError: platformErrors.MALFORMED_JSON({ detail: error.message }), unexpected: false }
  }
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Other client errors raised by Fastify or its plugins (e.g. prototype poisoning): the message is safe.
    return { appError: platformErrors.BAD_REQUEST({ detail: fastifyError.message }), unexpected: false }
  }
  return { appError: platformErrors.INTERNAL_ERROR({ cause: error }), unexpected: true }
}

function validationError(schemaErrors: SchemaError[], context: string | undefined): AppError {
  const location = LOCATIONS[context ?? 'body'] ?? 'body'
  const errors = schemaErrors
    .slice(0, MAX_FIELD_ERRORS)
    .map((schemaError) => fieldErrorOf(schemaError, location))
  return invalidFields(location, errors)
}

function fieldErrorOf(schemaError: SchemaError, location: FieldError['location']): FieldError {
  const { instancePath, keyword, params } = schemaError
  if (keyword === 'required' && typeof params.missingProperty === 'string') {
    return {
      location,
      pointer: `${instancePath}/${escapePointer(params.missingProperty)}`,
      message: 'is required',
    }
  }
  if (keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return {
      location,
      pointer: `${instancePath}/${escapePointer(params.additionalProperty)}`,
      message: 'is not a known field',
    }
  }
  return { location, pointer: instancePath, message: schemaError.message ?? keyword }
}

/** RFC 6901 §3: `~` and `/` inside a key are escaped. */
function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1')
}
