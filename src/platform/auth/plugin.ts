// Gives every request a principal. Until authentication lands (issue 4) that is the anonymous caller.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ANONYMOUS, type Principal } from './principal.ts'

declare module 'fastify' {
  interface FastifyRequest {
    readonly principal: Principal
  }
}

async function principal(app: FastifyInstance) {
  app.decorateRequest('principal', { getter: () => ANONYMOUS })
}

export const principalPlugin = fp(principal, { name: 'principal' })
