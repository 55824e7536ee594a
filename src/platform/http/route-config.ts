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
  }
}

export {}
