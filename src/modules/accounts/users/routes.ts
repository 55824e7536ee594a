// The account routes: POST /api/v1/auth/register, /password and GET /me (added to the /api/v1/auth plugin
// by routes.ts), and POST /api/v1/users for administrators.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CACHE_CONTROL } from '../../../platform/http/cache-control.ts'
import { NoContent } from '../../../platform/http/nullable.ts'
import { contextOf } from '../client-context.ts'
import { AUTH_TAGS as tags, USER_ONLY, type AuthRoutesApp } from '../route-access.ts'
import {
  CreateUserSchema,
  PasswordChangeSchema,
  RegisterSchema,
  RegistrationAcceptedSchema,
  UserSchema,
} from '../schemas.ts'
import { clearCookies } from '../sessions/cookies.ts'
import type { UsersService } from './service.ts'

/** POST /register: 202 whether or not the email has an account (see UsersService.register). */
export function addRegisterRoute(app: AuthRoutesApp, users: UsersService): void {
  app.post(
    '/register',
    {
      config: {
        public: true,
        errors: ['REGISTRATION_CLOSED', 'PASSWORD_REJECTED', 'AUTH_BUSY'],
      },
      schema: {
        tags,
        operationId: 'register',
        summary: 'Create an account (AUTH_REGISTRATION=open)',
        description:
          'Answers 202 with the same body, headers and cost whether or not the email already has an account: the answer does not tell which (docs/SECURITY.md, Registration). A new email gets an account at once: log in with it. A taken email keeps its account and password unchanged, and a notice for its owner is recorded (audit event user.registration_existing).',
        security: [],
        body: RegisterSchema,
        response: { 202: RegistrationAcceptedSchema },
      },
    },
    async (request, reply) => reply.code(202).send(await users.register(request.body, contextOf(request))),
  )
}

/** POST /password and GET /me. */
export function addAccountRoutes(app: AuthRoutesApp, users: UsersService, cookies: boolean): void {
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
      await users.changePassword(request.principal, request.body, contextOf(request))
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
    async (request) => users.me(request.principal),
  )
}

export const usersRoutes: FastifyPluginAsyncTypebox<{ users: UsersService }> = async (app, { users }) => {
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
      reply.code(201).send(await users.createUser(request.principal, request.body, contextOf(request))),
  )
}
