// What the /api/v1/auth routes share: who may call the account routes, and the app their route functions
// add to (routes.ts calls them in the order the document lists them).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** The route plugin's scope, as each part's route function receives it. */
export type AuthRoutesApp = Parameters<FastifyPluginAsyncTypebox>[0]

/** Only users (not API keys); reachable by an admin who still has to enrol a second factor. */
export const USER_ONLY = { principals: ['user'], mfaExempt: true } as const

export const AUTH_TAGS = ['auth']
