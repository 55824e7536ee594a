// The session routes of /api/v1/auth: login, refresh, logout (one or every session), list and end sessions.
import { parseCookie } from 'cookie'
import { authErrors } from '../../../platform/auth/errors.ts'
import { digestsEqual } from '../../../platform/auth/secrets.ts'
import { CACHE_CONTROL } from '../../../platform/http/cache-control.ts'
import { NoContent } from '../../../platform/http/nullable.ts'
import { contextOf } from '../client-context.ts'
import { accountErrors } from '../errors.ts'
import { AUTH_TAGS as tags, USER_ONLY, type AuthRoutesApp } from '../route-access.ts'
import { IdParamsSchema, LoginSchema, RefreshSchema, SessionListSchema, TokenPairSchema } from '../schemas.ts'
import { clearCookies, COOKIES, sendTokens } from './cookies.ts'
import type { SessionsService } from './service.ts'

/** POST /login, /refresh, /logout and /logout-all. */
export function addLoginRoutes(app: AuthRoutesApp, sessions: SessionsService, cookies: boolean): void {
  app.post(
    '/login',
    {
      config: { public: true, errors: ['LOGIN_FAILED', 'MFA_REQUIRED', 'AUTH_BUSY'] },
      schema: {
        tags,
        operationId: 'login',
        summary: 'Log in: an access token (15 min) and a single-use refresh token',
        description:
          'With two-factor authentication enabled, send totp_code (or recovery_code) too; without it the answer is 401 MFA_REQUIRED. Repeated failures lock the account and the client IP out (429).',
        security: [],
        body: LoginSchema,
        response: { 200: TokenPairSchema },
      },
    },
    async (request, reply) =>
      sendTokens(reply, await sessions.login(request.body, contextOf(request)), 200, cookies),
  )

  app.post(
    '/refresh',
    {
      config: { public: true, errors: ['REFRESH_TOKEN_INVALID', 'CSRF_TOKEN_INVALID'] },
      schema: {
        tags,
        operationId: 'refreshTokens',
        summary: 'Exchange a refresh token for new tokens (rotation; reuse revokes the session)',
        security: [],
        body: RefreshSchema,
        response: { 200: TokenPairSchema },
      },
    },
    async (request, reply) => {
      let token = request.body.refresh_token
      if (token === undefined && cookies) {
        const jar = parseCookie(request.headers.cookie ?? '')
        token = jar[COOKIES.refresh]
        // Double submit: a cross-site form cannot read the CSRF cookie to copy it into the header.
        const sent = request.headers['x-csrf-token']
        const expected = jar[COOKIES.csrf]
        if (typeof sent !== 'string' || expected === undefined || !digestsEqual(sent, expected)) {
          throw authErrors.CSRF_TOKEN_INVALID()
        }
      }
      if (token === undefined)
        throw accountErrors.REFRESH_TOKEN_INVALID({ detail: 'No refresh token was sent.' })
      return sendTokens(reply, await sessions.refresh(token, contextOf(request)), 200, cookies)
    },
  )

  app.post(
    '/logout',
    {
      config: { auth: USER_ONLY },
      schema: {
        tags,
        operationId: 'logout',
        summary: 'End this session: revoke its refresh tokens and this access token',
        response: { 204: NoContent('Logged out') },
      },
    },
    async (request, reply) => {
      await sessions.logout(request.principal, contextOf(request))
      if (cookies) clearCookies(reply)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/logout-all',
    {
      config: { auth: USER_ONLY },
      schema: {
        tags,
        operationId: 'logoutAll',
        summary: 'End every session of the account; every outstanding token dies',
        response: { 204: NoContent('Every session ended') },
      },
    },
    async (request, reply) => {
      await sessions.logoutAll(request.principal, contextOf(request))
      if (cookies) clearCookies(reply)
      return reply.code(204).send(null)
    },
  )
}

/** GET /sessions and DELETE /sessions/:id. */
export function addSessionRoutes(app: AuthRoutesApp, sessions: SessionsService): void {
  app.get(
    '/sessions',
    {
      config: { auth: { principals: ['user'] }, cacheControl: CACHE_CONTROL.noStore },
      schema: {
        tags,
        operationId: 'listSessions',
        summary: 'Active sessions of the account',
        response: { 200: SessionListSchema },
      },
    },
    async (request) => sessions.listSessions(request.principal),
  )

  app.delete(
    '/sessions/:id',
    {
      config: { auth: { principals: ['user'] }, errors: ['SESSION_NOT_FOUND'] },
      schema: {
        tags,
        operationId: 'endSession',
        summary: 'End one session (its refresh tokens stop working)',
        params: IdParamsSchema,
        response: { 204: NoContent('Session ended') },
      },
    },
    async (request, reply) => {
      await sessions.revokeSession(request.principal, request.params.id, contextOf(request))
      return reply.code(204).send(null)
    },
  )
}
