// The HTTP surface of accounts: /api/v1/auth (login, tokens, sessions, two-factor), /api/v1/users,
// /api/v1/api-keys and /.well-known/jwks.json. Thin handlers; the rules live in the services.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseCookie, stringifySetCookie, type SetCookie } from 'cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { authErrors } from '../../platform/auth/errors.ts'
import { digestsEqual } from '../../platform/auth/secrets.ts'
import { CACHE_CONTROL } from '../../platform/http/cache-control.ts'
import { NoContent } from '../../platform/http/nullable.ts'
import type { ApiKeysService } from './api-keys/service.ts'
import { accountErrors } from './errors.ts'
import {
  ApiKeyCreatedSchema,
  ApiKeyCreateSchema,
  ApiKeyListQuerySchema,
  ApiKeyPageSchema,
  ApiKeySchema,
  CreateUserSchema,
  IdParamsSchema,
  JwksSchema,
  LoginSchema,
  PasswordChangeSchema,
  RecoveryCodesSchema,
  RefreshSchema,
  RegisterSchema,
  SessionListSchema,
  TokenPairSchema,
  TotpConfirmSchema,
  TotpDisableSchema,
  TotpEnrolmentSchema,
  UserSchema,
} from './schemas.ts'
import type { AuthService, ClientContext, TokenPair } from './service.ts'

export const COOKIES = { access: 'bulwark_access', refresh: 'bulwark_refresh', csrf: 'bulwark_csrf' } as const
const AUTH_PREFIX = '/api/v1/auth'

function contextOf(request: FastifyRequest): ClientContext {
  return { ip: request.ip, requestId: request.id, userAgent: request.headers['user-agent'] }
}

/** Only users (not API keys); reachable by an admin who still has to enrol a second factor. */
const USER_ONLY = { principals: ['user'], mfaExempt: true } as const

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; cookies: boolean }> = async (
  app,
  { auth, cookies },
) => {
  const tags = ['auth']

  function setCookies(reply: FastifyReply, pair: TokenPair) {
    const base: Partial<SetCookie> = { secure: true, sameSite: 'strict', path: '/' }
    reply.header('set-cookie', [
      stringifySetCookie({
        ...base,
        name: COOKIES.access,
        value: pair.access_token,
        httpOnly: true,
        maxAge: pair.expires_in,
      }),
      stringifySetCookie({
        ...base,
        name: COOKIES.refresh,
        value: pair.refresh_token,
        httpOnly: true,
        path: AUTH_PREFIX,
        maxAge: pair.refresh_expires_in,
      }),
      // Readable by the page's script, which echoes it in X-CSRF-Token (double submit).
      stringifySetCookie({
        ...base,
        name: COOKIES.csrf,
        value: pair.csrf_token,
        maxAge: pair.refresh_expires_in,
      }),
    ])
  }

  function clearCookies(reply: FastifyReply) {
    const expired = { value: '', maxAge: 0, secure: true, sameSite: 'strict' } as const
    reply.header('set-cookie', [
      stringifySetCookie({ ...expired, name: COOKIES.access, path: '/', httpOnly: true }),
      stringifySetCookie({ ...expired, name: COOKIES.refresh, path: AUTH_PREFIX, httpOnly: true }),
      stringifySetCookie({ ...expired, name: COOKIES.csrf, path: '/' }),
    ])
  }

  /** In cookie mode the tokens travel only in HttpOnly cookies, never in a body a script could read. */
  function sendTokens(reply: FastifyReply, pair: TokenPair, status: number) {
    if (!cookies) return reply.code(status).send(pair)
    setCookies(reply, pair)
    const { token_type, expires_in, refresh_expires_in, session_id, csrf_token } = pair
    return reply.code(status).send({ token_type, expires_in, refresh_expires_in, session_id, csrf_token })
  }

  app.post(
    '/register',
    {
      config: {
        public: true,
        errors: ['REGISTRATION_CLOSED', 'EMAIL_TAKEN', 'PASSWORD_REJECTED', 'AUTH_BUSY'],
      },
      schema: {
        tags,
        operationId: 'register',
        summary: 'Create an account (AUTH_REGISTRATION=open)',
        security: [],
        body: RegisterSchema,
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await auth.register(request.body, contextOf(request))),
  )

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
    async (request, reply) => sendTokens(reply, await auth.login(request.body, contextOf(request)), 200),
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
      return sendTokens(reply, await auth.refresh(token, contextOf(request)), 200)
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
      await auth.logout(request.principal, contextOf(request))
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
      await auth.logoutAll(request.principal, contextOf(request))
      if (cookies) clearCookies(reply)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/password',
    {
      config: { auth: USER_ONLY, errors: ['LOGIN_FAILED', 'PASSWORD_REJECTED', 'AUTH_BUSY'] },
      schema: {
        tags,
        operationId: 'changePassword',
        summary: 'Change the password; every session and token of the account ends',
        body: PasswordChangeSchema,
        response: { 204: NoContent('Password changed; log in again') },
      },
    },
    async (request, reply) => {
      await auth.changePassword(request.principal, request.body, contextOf(request))
      if (cookies) clearCookies(reply)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/me',
    {
      config: { auth: USER_ONLY, cacheControl: CACHE_CONTROL.noStore },
      schema: {
        tags,
        operationId: 'getCurrentUser',
        summary: 'The logged-in user',
        response: { 200: UserSchema },
      },
    },
    async (request) => auth.me(request.principal),
  )

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
    async (request) => auth.listSessions(request.principal),
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
      await auth.revokeSession(request.principal, request.params.id, contextOf(request))
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/mfa/totp',
    {
      config: { auth: USER_ONLY, errors: ['MFA_STATE_CONFLICT'] },
      schema: {
        tags,
        operationId: 'startTotpEnrolment',
        summary: 'Start TOTP enrolment: a secret and otpauth:// URI, active once confirmed',
        response: { 200: TotpEnrolmentSchema },
      },
    },
    async (request) => auth.enrolTotp(request.principal),
  )

  app.post(
    '/mfa/totp/confirm',
    {
      config: { auth: USER_ONLY, errors: ['MFA_STATE_CONFLICT', 'MFA_CODE_INVALID'] },
      schema: {
        tags,
        operationId: 'confirmTotpEnrolment',
        summary: 'Confirm TOTP enrolment with a current code; returns one-time recovery codes',
        body: TotpConfirmSchema,
        response: { 200: RecoveryCodesSchema },
      },
    },
    async (request) => auth.confirmTotp(request.principal, request.body.totp_code, contextOf(request)),
  )

  app.post(
    '/mfa/totp/disable',
    {
      config: {
        auth: { principals: ['user'] },
        errors: ['MFA_STATE_CONFLICT', 'LOGIN_FAILED', 'MFA_REQUIRED', 'AUTH_BUSY'],
      },
      schema: {
        tags,
        operationId: 'disableTotp',
        summary: 'Turn TOTP off (password and a current code required)',
        body: TotpDisableSchema,
        response: { 204: NoContent('Two-factor authentication is off') },
      },
    },
    async (request, reply) => {
      await auth.disableTotp(request.principal, request.body, contextOf(request))
      return reply.code(204).send(null)
    },
  )
}

export const usersRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  app.post(
    '/',
    {
      config: {
        auth: { scopes: ['admin'] },
        errors: ['REGISTRATION_CLOSED', 'EMAIL_TAKEN', 'PASSWORD_REJECTED', 'AUTH_BUSY'],
      },
      schema: {
        tags: ['users'],
        operationId: 'createUser',
        summary: 'Create an account with a role (administrators; AUTH_REGISTRATION open or admin)',
        body: CreateUserSchema,
        response: { 201: UserSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await auth.createUser(request.principal, request.body, contextOf(request))),
  )
}

export const apiKeysRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeysService; prefix: string }> = async (
  app,
  { apiKeys, prefix },
) => {
  const tags = ['api-keys']

  app.post(
    '/',
    {
      schema: {
        tags,
        operationId: 'createApiKey',
        summary: 'Issue an API key (the key is shown only in this response)',
        description:
          'Users issue keys acting as themselves, with at most their own scopes; admins may set owner_id and any scope. Overlapping rotation: issue the new key, deploy it, then revoke the old one.',
        body: ApiKeyCreateSchema,
        response: { 201: ApiKeyCreatedSchema },
      },
    },
    async (request, reply) => {
      const { key, apiKey } = await apiKeys.create(request.principal, request.body, contextOf(request))
      return reply.code(201).header('location', `${prefix}/${apiKey.id}`).send({ key, api_key: apiKey })
    },
  )

  app.get(
    '/',
    {
      config: { cacheControl: CACHE_CONTROL.noStore },
      schema: {
        tags,
        operationId: 'listApiKeys',
        summary: 'List API keys (your own; admins see all), newest first',
        querystring: ApiKeyListQuerySchema,
        response: { 200: ApiKeyPageSchema },
      },
    },
    async (request) => apiKeys.list(request.principal, request.query.limit, request.query.cursor),
  )

  app.delete(
    '/:id',
    {
      config: { errors: ['API_KEY_NOT_FOUND'] },
      schema: {
        tags,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key (by id or prefix); it stops working everywhere within a second',
        params: IdParamsSchema,
        response: { 200: ApiKeySchema },
      },
    },
    async (request) => apiKeys.revoke(request.principal, request.params.id, contextOf(request)),
  )
}

export const jwksRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  app.get(
    '/.well-known/jwks.json',
    {
      // Public keys, the same for everyone; a verifier may keep them a few minutes (rotation overlaps 15).
      config: { public: true, cacheControl: 'public, max-age=300' },
      schema: {
        tags: ['auth'],
        operationId: 'getJwks',
        summary: 'Public keys that verify access tokens (current and previous)',
        security: [],
        response: { 200: JwksSchema },
      },
    },
    async () => auth.jwks(),
  )
}
