// What a route may declare in its `config`; the platform's request pipeline reads these.

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Reachable without credentials. Deny-by-default: only routes that say `public: true` are; the
     * authentication gate (issue 4) enforces this for every other route in one place.
     */
    public?: boolean
    /** This route's deadline in milliseconds, instead of HANDLER_TIMEOUT_MS. */
    handlerTimeoutMs?: number
    /**
     * Cache-Control of this route's successful responses, instead of the default (cache-control.ts):
     * `private, no-cache` for authenticated GET/HEAD, `no-store` otherwise. Errors are always no-store.
     */
    cacheControl?: string
    /**
     * GET/HEAD answers 304 Not Modified when If-None-Match names the current ETag: the handler's, else a
     * weak tag of the body (conditional-get.ts).
     */
    conditionalGet?: boolean
    /**
     * Response headers the OpenAPI document lists for a status, beside Cache-Control, in the form
     * @fastify/swagger takes: `{ 201: { Location: { type: 'string', description: '…' } } }`.
     */
    responseHeaders?: Readonly<Record<string, Readonly<Record<string, object>>>>
    /**
     * Request headers the document marks required although the schema leaves them optional, because the
     * handler answers their absence itself with a more precise status (If-Match → 428, not 422).
     */
    requiredHeaders?: readonly string[]
    /**
     * The error codes this operation answers beyond those every operation can (validation, credentials,
     * deadlines): the document lists each under its status, so a client knows what to handle. A code
     * that is in no catalog fails the document's generation.
     */
    errors?: readonly string[]
  }
}

export {}
