// /api/v1/auth: each part's routes, in the order the document lists them (register, the session routes,
// the account, the session list, two-factor). The other account routes are users/routes.ts (/api/v1/users),
// api-keys/routes.ts and tokens/routes.ts (/.well-known/jwks.json).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { addMfaRoutes } from './mfa/routes.ts'
import type { MfaService } from './mfa/service.ts'
import { addLoginRoutes, addSessionRoutes } from './sessions/routes.ts'
import type { SessionsService } from './sessions/service.ts'
import { addAccountRoutes, addRegisterRoute } from './users/routes.ts'
import type { UsersService } from './users/service.ts'

export interface AuthRoutesOptions {
  users: UsersService
  sessions: SessionsService
  mfa: MfaService
  /** AUTH_COOKIES: tokens travel in cookies instead of response bodies. */
  cookies: boolean
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, options) => {
  const { users, sessions, mfa, cookies } = options
  addRegisterRoute(app, users)
  addLoginRoutes(app, sessions, cookies)
  addAccountRoutes(app, users, cookies)
  addSessionRoutes(app, sessions)
  addMfaRoutes(app, mfa)
}
