// Browser mode (AUTH_COOKIES=true): tokens travel in HttpOnly cookies, with a readable CSRF cookie the
// page echoes in X-CSRF-Token (double submit).
import { stringifySetCookie, type SetCookie } from 'cookie'
import type { FastifyReply } from 'fastify'
import type { TokenPair } from './service.ts'

export const COOKIES = { access: 'bulwark_access', refresh: 'bulwark_refresh', csrf: 'bulwark_csrf' } as const
/** The refresh cookie is sent only to these routes. */
export const AUTH_PREFIX = '/api/v1/auth'

export function setCookies(reply: FastifyReply, pair: TokenPair): void {
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

export function clearCookies(reply: FastifyReply): void {
  const expired = { value: '', maxAge: 0, secure: true, sameSite: 'strict' } as const
  reply.header('set-cookie', [
    stringifySetCookie({ ...expired, name: COOKIES.access, path: '/', httpOnly: true }),
    stringifySetCookie({ ...expired, name: COOKIES.refresh, path: AUTH_PREFIX, httpOnly: true }),
    stringifySetCookie({ ...expired, name: COOKIES.csrf, path: '/' }),
  ])
}

/** In cookie mode the tokens travel only in HttpOnly cookies, never in a body a script could read. */
export function sendTokens(reply: FastifyReply, pair: TokenPair, status: number, cookies: boolean) {
  if (!cookies) return reply.code(status).send(pair)
  setCookies(reply, pair)
  const { token_type, expires_in, refresh_expires_in, session_id, csrf_token } = pair
  return reply.code(status).send({ token_type, expires_in, refresh_expires_in, session_id, csrf_token })
}
