// The one error body: RFC 9457 problem details plus error_id, error_code, request_id and timestamp.
import { randomUUID } from 'node:crypto'
import type { AppError, FieldError } from './app-error.ts'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  instance?: string
  error_id: string
  error_code: string
  request_id: string
  timestamp: string
  errors?: FieldError[]
}

/** A stable URI per code (RFC 9457 §3.1.1); it identifies the problem type, it is not meant to be fetched. */
export function problemTypeOf(code: string): string {
  return `urn:bulwark:problem:${code.toLowerCase().replaceAll('_', '-')}`
}

export interface ProblemContext {
  requestId: string
  /** The request path (without query string), RFC 9457 §3.1.5. */
  instance: string | undefined
  /** Overrides the detail shown to the client (a 500 never shows its internal message). */
  detail?: string
  errorId?: string
  now?: Date
}

export function problemBodyOf(error: AppError, context: ProblemContext): ProblemBody {
  const body: ProblemBody = {
    type: problemTypeOf(error.code),
    title: error.title,
    status: error.status,
    detail: context.detail ?? error.detail ?? error.title,
    ...(context.instance === undefined ? {} : { instance: context.instance }),
    error_id: context.errorId ?? randomUUID(),
    error_code: error.code,
    request_id: context.requestId,
    timestamp: (context.now ?? new Date()).toISOString(),
  }
  if (error.errors !== undefined) body.errors = error.errors
  return body
}
