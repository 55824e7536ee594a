// Conditional reads (RFC 9110 §13.1.2): a route whose config says `conditionalGet: true` answers a GET or
// HEAD whose If-None-Match names its current ETag with 304 Not Modified and no body. The ETag is the one the
// handler set (a plan's version), else a weak tag of the body's SHA-256 (a list), computed only for such
// routes. A private cache (Cache-Control: private, no-cache) then revalidates without the body coming back.
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import './route-config.ts'

/** Weak comparison (RFC 9110 §8.8.3.2): `W/"x"` and `"x"` match; `*` matches any current representation. */
export function matchesIfNoneMatch(header: string, etag: string): boolean {
  const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag)
  const current = opaque(etag)
  return header.split(',').some((candidate) => {
    const tag = candidate.trim()
    return tag === '*' || opaque(tag) === current
  })
}

async function conditionalGet(app: FastifyInstance) {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode !== 200 || (request.method !== 'GET' && request.method !== 'HEAD')) {
      done(null, payload)
      return
    }
    if (request.routeOptions.config.conditionalGet !== true) {
      done(null, payload)
      return
    }
    let etag = reply.getHeader('etag')
    if (typeof etag !== 'string') {
      if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
        done(null, payload)
        return
      }
      etag = `W/"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`
      reply.header('etag', etag)
    }
    const ifNoneMatch = request.headers['if-none-match']
    if (ifNoneMatch !== undefined && matchesIfNoneMatch(ifNoneMatch, etag)) {
      reply.code(304).removeHeader('content-type').removeHeader('content-length')
      done(null, '')
      return
    }
    done(null, payload)
  })
}

export const conditionalGetPlugin = fp(conditionalGet, { name: 'conditional-get' })
