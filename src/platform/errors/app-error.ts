// The base error every layer throws; the error handler turns it into an RFC 9457 problem body.

/** One invalid input, as listed in a 422 body: where it is, which field, and why. */
export interface FieldError {
  location: 'body' | 'query' | 'params' | 'headers'
  /** JSON Pointer (RFC 6901) to the field inside its location, '' for the whole part. */
  pointer: string
  message: string
}

/** A stable error code with the status and title it always carries; documented in OpenAPI. */
export interface ErrorCodeSpec {
  status: number
  title: string
  description: string
}

export type ErrorCatalog = Readonly<Record<string, ErrorCodeSpec>>

export interface AppErrorOptions {
  /** Human-readable explanation specific to this occurrence; shown to the client. */
  detail?: string
  cause?: unknown
  /** Extra response headers, e.g. Retry-After or Allow. */
  headers?: Record<string, string>
  errors?: FieldError[]
}

export class AppError extends Error {
  readonly status: number
  readonly code: string
  readonly title: string
  readonly detail: string | undefined
  readonly headers: Record<string, string> | undefined
  readonly errors: FieldError[] | undefined

  constructor(code: string, spec: ErrorCodeSpec, options: AppErrorOptions = {}) {
    super(options.detail ?? spec.title, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.status = spec.status
    this.code = code
    this.title = spec.title
    this.detail = options.detail
    this.headers = options.headers
    this.errors = options.errors
  }
}

/**
 * Builds one factory per code of a catalog: `errors.NOT_FOUND({ detail })`.
 * Modules declare their catalog in `errors.ts`, so every code they can throw is listed in one place.
 */
export function createErrorFactories<C extends ErrorCatalog>(
  catalog: C,
): { [K in keyof C & string]: (options?: AppErrorOptions) => AppError } {
  const factories: Record<string, (options?: AppErrorOptions) => AppError> = {}
  for (const [code, spec] of Object.entries(catalog)) {
    factories[code] = (options) => new AppError(code, spec, options)
  }
  return factories as { [K in keyof C & string]: (options?: AppErrorOptions) => AppError }
}
