// The 422 VALIDATION_FAILED naming the invalid fields: one shape whether a schema or a rule refused them.
import type { AppError, FieldError } from './app-error.ts'
import { platformErrors } from './catalog.ts'

/** One invalid field; `detail` defaults to "Invalid <location>: <pointer>", `cause` is kept for the log. */
export interface InvalidField extends FieldError {
  detail?: string
  cause?: unknown
}

/** A 422 for one field, e.g. `invalidField({ location: 'body', pointer: '/end_date', message })`. */
export function invalidField({ location, pointer, message, detail, cause }: InvalidField): AppError {
  return platformErrors.VALIDATION_FAILED({
    detail: detail ?? detailOf(location, [pointer || location]),
    errors: [{ location, pointer, message }],
    cause,
  })
}

/** A 422 for fields of one location; the detail names each field once ("Invalid body: /a, /b"). */
export function invalidFields(location: FieldError['location'], errors: FieldError[]): AppError {
  const fields = [...new Set(errors.map((fieldError) => fieldError.pointer || location))]
  return platformErrors.VALIDATION_FAILED({ detail: detailOf(location, fields), errors })
}

function detailOf(location: FieldError['location'], fields: string[]): string {
  return `Invalid ${location}: ${fields.join(', ')}`
}
