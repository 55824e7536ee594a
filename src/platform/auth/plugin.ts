// The deny-by-default gate: every route needs credentials unless its config says `public: true`. One
// onRequest hook names the caller and checks the route's declared rules; the rules are in gate.ts.
import type { FastifyInstance, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import {
  createAuthenticator,
  isOpenRoute,
  permissionDeniedEvent,
  refusalOf,
  type GateOptions,
  type RouteAuth,
} from './gate.ts'
import { bindPrincipal } from '../logging/request-fields.ts'
import { ANONYMOUS, type Principal } from './principal.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; ANONYMOUS on public routes. */
    principal: Principal
  }
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyInstance {
    /** Every route with whether it is public: what the gate enforces (and what tests walk). */
    routeSecurity(): { method: string; url: string; public: boolean }[]
  }
}

/** The gate's collaborators: the verifiers the accounts module provides, the lock-out store, the audit log. */
export type AuthOptions = GateOptions

async function auth(app: FastifyInstance, options: AuthOptions) {
  const { audit, adminMfaRequired } = options
  const authenticate = createAuthenticator(options)
  const routes: RouteOptions[] = []
  app.decorateRequest('principal', null as unknown as Principal)

  // Read at ready, not at registration: a nested plugin may still mark its routes public after this hook.
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })
  const routeSecurity = () =>
    routes.flatMap((route) =>
      [route.method]
        .flat()
        .map((method) => ({ method, url: route.url, public: route.config?.public === true })),
    )
  app.decorate('routeSecurity', routeSecurity)
  app.addHook('onReady', async () => {
    // HEAD mirrors GET and the docs UI's static files are one entry: the list stays short enough to read.
    const publicRoutes = routeSecurity()
      .filter((route) => route.public && route.method !== 'HEAD' && !route.url.startsWith('/docs/static/'))
      .map((route) => `${route.method} ${route.url}`)
    app.log.info({ public_routes: publicRoutes }, 'routes reachable without credentials')
  })

  // A callback hook, not an async one: a cached credential is checked without creating a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    // routeOptions is a getter that builds a new object: read it once.
    const { config, url } = request.routeOptions
    if (isOpenRoute(config, url)) {
      request.principal = ANONYMOUS
      done()
      return
    }
    const admit = (principal: Principal): Promise<void> | undefined => {
      request.principal = principal
      bindPrincipal(request.log, principal)
      const refused = refusalOf(principal, config.auth, adminMfaRequired)
      if (refused === undefined) return undefined
      const event = permissionDeniedEvent(
        request,
        principal,
        refused.reason,
        `${request.method} ${url ?? ''}`,
      )
      return audit.record(event).then(() => {
        throw refused.error
      })
    }
    let outcome: Principal | Promise<Principal>
    try {
      outcome = authenticate(request)
    } catch (error) {
      done(error as Error)
      return
    }
    const admitted = outcome instanceof Promise ? outcome.then(admit) : admit(outcome)
    if (admitted === undefined) done()
    else admitted.then(() => done(), done)
  })
}

export const authPlugin = fp(auth, { name: 'auth' })
