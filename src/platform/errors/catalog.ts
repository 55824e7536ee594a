// Error codes the platform itself can answer with; modules add their own catalogs in their errors.ts.
import { createErrorFactories, type ErrorCatalog } from './app-error.ts'

export const PLATFORM_ERRORS = {
  BAD_REQUEST: { status: 400, title: 'Bad request', description: 'The request is malformed.' },
  MALFORMED_JSON: {
    status: 400,
    title: 'Malformed JSON body',
    description: 'The body is not valid JSON, or is empty while a JSON content type is declared.',
  },
  CORS_ORIGIN_DENIED: {
    status: 403,
    title: 'Origin not allowed',
    description: 'A CORS preflight came from an origin that is not in CORS_ORIGINS.',
  },
  NOT_FOUND: { status: 404, title: 'Not found', description: 'No resource or route at this URL.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    description: 'The route exists but not for this method; the Allow header lists the methods it has.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request timeout',
    description: 'The client did not send the whole request (headers and body) in time.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Payload too large',
    description: 'The body is larger than BODY_LIMIT_BYTES.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    description: 'Request bodies must be application/json in UTF-8, without Content-Encoding.',
  },
  VALIDATION_FAILED: {
    status: 422,
    title: 'Validation failed',
    description: 'The input does not match the schema; `errors` names each invalid field.',
  },
  RATE_LIMITED: {
    status: 429,
    title: 'Too many requests',
    description:
      'The caller made more requests than its rate limit allows in the window (RATE_LIMIT_*); the RateLimit field says which policy, retry after Retry-After seconds.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request header fields too large',
    description:
      'The request headers are larger than MAX_HEADER_SIZE_BYTES or have more lines than MAX_HEADER_COUNT.',
  },
  INTERNAL_ERROR: {
    status: 500,
    title: 'Internal server error',
    description: 'An unexpected error; the log line with the same error_id has the cause.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'Service unavailable',
    description: 'The service is starting, shutting down or a dependency is down; retry later.',
  },
  OVERLOADED: {
    status: 503,
    title: 'Overloaded',
    description:
      'This server process is over a load threshold (OVERLOAD_*: event-loop delay, heap) and sheds requests instead of queueing them; retry after Retry-After seconds, ideally on another instance.',
  },
  HANDLER_TIMEOUT: {
    status: 503,
    title: 'Handler timeout',
    description: 'The request did not complete within its deadline (HANDLER_TIMEOUT_MS).',
  },
} as const satisfies ErrorCatalog

export const platformErrors = createErrorFactories(PLATFORM_ERRORS)
