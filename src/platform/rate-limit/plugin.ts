// Rate limiting of every request after authentication: per API key or user (a policy by role), per client
// IP for unauthenticated traffic, and a stricter policy on the routes that guess or create credentials.
// Answers carry the IETF RateLimit-Policy and RateLimit fields; a refusal is 429 RATE_LIMITED with
// Retry-After. The store decides: in-process, the primary's (workers) or Redis (docs/RATE-LIMITS.md).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, type Registry } from 'prom-client'
import { platformErrors } from '../errors/catalog.ts'
import { callerOf, type FailureThrottle } from './failures.ts'
import type { RateDecision, RatePolicy, RateStore } from './sliding-log.ts'

export interface RatePolicies {
  /** Each API key and each user that is not an administrator. */
  principal: RatePolicy
  /** Each administrator (user or key). */
  admin: RatePolicy
  /** Each client IP, for requests without credentials. */
  anonymous: RatePolicy
  /** On the sensitive routes, per caller (its key or user, or its IP), in addition to the above. */
  sensitive: RatePolicy
}

export interface RateLimitOptions {
  policies: RatePolicies
  store: RateStore
  /** `METHOD /url` of the routes the sensitive policy also applies to; each must exist (checked at ready). */
  sensitiveRoutes: readonly string[]
  /** URLs no limit applies to (the probes of load balancers and orchestrators). */
  exemptUrls: readonly string[]
  /** Callers refused for repeated 401s and 404s (failures.ts): checked here, after the gate named them. */
  failures: FailureThrottle
  metrics: Registry
}

const POLICY_NAMES = ['principal', 'admin', 'anonymous', 'sensitive'] as const

/** `"name";q=100;w=60`: one item of RateLimit-Policy. */
function policyItem(policy: RatePolicy): string {
  return `"${policy.name}";q=${String(policy.limit)};w=${String(Math.ceil(policy.windowMs / 1000))}`
}

/** `"name";r=99;t=42`: one item of RateLimit. */
function stateItem(policy: RatePolicy, decision: RateDecision): string {
  return `"${policy.name}";r=${String(decision.remaining)};t=${String(Math.ceil(decision.resetMs / 1000))}`
}

async function rateLimit(app: FastifyInstance, options: RateLimitOptions) {
  const { policies, store } = options
  const sensitive = new Set(options.sensitiveRoutes)
  const exempt = new Set(options.exemptUrls)
  const decisions = new Counter({
    name: 'rate_limit_decisions_total',
    help: 'Rate-limit decisions by policy and outcome (allowed, limited).',
    labelNames: ['policy', 'outcome'],
    registers: [options.metrics],
  })
  const counted = Object.fromEntries(
    POLICY_NAMES.map((name) => [
      policies[name].name,
      {
        allowed: decisions.labels(policies[name].name, 'allowed'),
        limited: decisions.labels(policies[name].name, 'limited'),
      },
    ]),
  )
  const policyHeaders = new Map<string, string>()
  const policyHeader = (first: RatePolicy, second?: RatePolicy) => {
    const id = second === undefined ? first.name : `${first.name},${second.name}`
    let header = policyHeaders.get(id)
    if (header === undefined) {
      header = second === undefined ? policyItem(first) : `${policyItem(first)}, ${policyItem(second)}`
      policyHeaders.set(id, header)
    }
    return header
  }

  app.addHook('onReady', async () => {
    const routes = new Set(app.routeSecurity().map((route) => `${route.method} ${route.url}`))
    const missing = [...sensitive].filter((route) => !routes.has(route))
    if (missing.length > 0) throw new Error(`rate limit: no such route: ${missing.join(', ')}`)
  })

  /** Sets the fields; answers 429 when either decision refuses. */
  function settle(
    reply: FastifyReply,
    done: (error?: Error) => void,
    first: RatePolicy,
    firstDecision: RateDecision,
    second?: RatePolicy,
    secondDecision?: RateDecision,
  ) {
    const state =
      second === undefined || secondDecision === undefined
        ? stateItem(first, firstDecision)
        : `${stateItem(first, firstDecision)}, ${stateItem(second, secondDecision)}`
    const headers = { 'ratelimit-policy': policyHeader(first, second), ratelimit: state }
    let retryAfterMs = 0
    counted[first.name]?.[firstDecision.allowed ? 'allowed' : 'limited'].inc()
    if (!firstDecision.allowed) retryAfterMs = firstDecision.resetMs
    if (second !== undefined && secondDecision !== undefined) {
      counted[second.name]?.[secondDecision.allowed ? 'allowed' : 'limited'].inc()
      if (!secondDecision.allowed) retryAfterMs = Math.max(retryAfterMs, secondDecision.resetMs)
    }
    if (retryAfterMs === 0) {
      reply.headers(headers)
      done()
      return
    }
    const retryAfter = String(Math.ceil(retryAfterMs / 1000))
    done(platformErrors.RATE_LIMITED({ headers: { ...headers, 'retry-after': retryAfter } }))
  }

  // A callback hook: with the in-process store a decision creates no promise.
  app.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    const { url, method } = request.routeOptions
    if (url !== undefined && exempt.has(url)) {
      done()
      return
    }
    const { principal } = request
    const subject = callerOf(request)
    const refused = options.failures.refusalFor(subject)
    if (refused !== undefined) {
      done(refused)
      return
    }
    const policy =
      principal.kind === 'anonymous'
        ? policies.anonymous
        : principal.isAdmin
          ? policies.admin
          : policies.principal
    const extra =
      url !== undefined && sensitive.has(`${String(method)} ${url}`) ? policies.sensitive : undefined
    const first = store.take(`${policy.name}:${subject}`, policy)
    const second = extra === undefined ? undefined : store.take(`${extra.name}:${subject}`, extra)
    if (!(first instanceof Promise) && !(second instanceof Promise)) {
      settle(reply, done, policy, first, extra, second)
      return
    }
    Promise.all([first, second]).then(
      ([firstDecision, secondDecision]) => settle(reply, done, policy, firstDecision, extra, secondDecision),
      (error: unknown) => done(error as Error),
    )
  })
}

export const rateLimitPlugin = fp(rateLimit, { name: 'rate-limit', dependencies: ['auth'] })
