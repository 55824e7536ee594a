// Response schemas for nullable fields and for responses without a body.
import { Type, type Static, type TSchema } from 'typebox'

/**
 * `{ type: [T, 'null'] }` instead of TypeBox's `anyOf: [T, null]`: fast-json-stringify serialises anyOf
 * by running a validator for each branch on every value, a type list by a typeof check. For response
 * schemas of primitive types (number, string, ...); the extra keywords (format, ...) are kept.
 */
export function Nullable<T extends TSchema & { type: string }>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] })
}

/** The response schema of a status that has no body (204): the document lists it without content. */
export function NoContent(description: string) {
  return Type.Null({ description })
}
