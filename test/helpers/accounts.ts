// Account helpers for tests: register, log in, and authorisation headers for a user's token.
import assert from 'node:assert/strict'
import type { App } from '../../src/app.ts'

export const PASSWORD = 'correct horse battery staple'

export interface LoggedIn {
  userId: string
  email: string
  accessToken: string
  refreshToken: string
  sessionId: string
  csrfToken: string
  headers: { authorization: string }
}

/** Self-registration; it answers 202 whether or not the email was taken (log in to learn the user id). */
export async function register(app: App, email: string, password = PASSWORD): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password },
  })
  assert.equal(response.statusCode, 202, response.body)
}

export async function login(
  app: App,
  email: string,
  password = PASSWORD,
  extra: Record<string, string> = {},
): Promise<LoggedIn> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password, ...extra },
  })
  assert.equal(response.statusCode, 200, response.body)
  const body = response.json<{
    access_token: string
    refresh_token: string
    session_id: string
    csrf_token: string
  }>()
  const me = await app.inject({
    url: '/api/v1/auth/me',
    headers: { authorization: `Bearer ${body.access_token}` },
  })
  assert.equal(me.statusCode, 200, me.body)
  return {
    userId: me.json<{ id: string }>().id,
    email,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    sessionId: body.session_id,
    csrfToken: body.csrf_token,
    headers: { authorization: `Bearer ${body.access_token}` },
  }
}

export async function registerAndLogin(app: App, email: string): Promise<LoggedIn> {
  await register(app, email)
  return login(app, email)
}

/** Waits past the credential cache (1 s), after which every instance sees a revocation. */
export function pastCredentialCache(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1100))
}
