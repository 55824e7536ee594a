// Throttling of repeated 401s and 404s from one client (enumeration of ids, accounts and keys): every such
// answer is counted against the caller (its key or user, else its IP) in RATE_LIMIT_FAILURES; a caller past
// it is refused 429 RATE_LIMITED until its oldest counted failure leaves the window, whatever it asks.
// Keyed like the other limits, so a blocked IP blocks only requests without credentials: a valid key or
// token from the same address is its own caller.
import type { FastifyRequest } from 'fastify'
import { LRUCache } from 'lru-cache'
import type { AppError } from '../errors/app-error.ts'
import { platformErrors } from '../errors/catalog.ts'
import { sendProblem } from '../errors/plugin.ts'
import type { RequestStep, ResponseStep } from '../http/steps.ts'
import type { RateDecision, RatePolicy, RateStore } from './sliding-log.ts'

/** Who a limit counts: the API key, the user, or (without credentials) the client IP. */
export function callerOf(request: FastifyRequest): string {
  const { principal } = request
  if (principal === null || principal.kind === 'anonymous') return `ip:${request.ip}`
  return principal.kind === 'api_key'
    ? `key:${principal.credentialId ?? principal.id}`
    : `user:${principal.id}`
}

/** Whether the request names a credential (header or cookie): then its caller is not its IP. */
function carriesCredentials(request: FastifyRequest): boolean {
  const { headers } = request
  return (
    headers.authorization !== undefined || headers['x-api-key'] !== undefined || headers.cookie !== undefined
  )
}

export interface FailureThrottleOptions {
  policy: RatePolicy
  store: RateStore
  /** Callers remembered as blocked, at most. */
  maxKeys: number
  /** URLs whose 404s are not counted (the probes). */
  exemptUrls: readonly string[]
}

export function createFailureThrottle(options: FailureThrottleOptions) {
  const { policy, store } = options
  const exempt = new Set(options.exemptUrls)
  /** Caller → until when (Date.now ms) it is refused. */
  // Made by the first caller blocked: lru-cache allocates for all `maxKeys` at once (~7 ms at start).
  let blocked: LRUCache<string, number> | undefined
  const policyHeader = `"${policy.name}";q=${String(policy.limit)};w=${String(Math.ceil(policy.windowMs / 1000))}`

  function refusal(leftMs: number): AppError {
    const seconds = String(Math.ceil(leftMs / 1000))
    return platformErrors.RATE_LIMITED({
      detail: `Too many failed requests (401, 404) from this client; retry after ${seconds} seconds.`,
      headers: {
        'ratelimit-policy': policyHeader,
        ratelimit: `"${policy.name}";r=0;t=${seconds}`,
        'retry-after': seconds,
      },
    })
  }

  /** The refusal for a blocked caller, or undefined. */
  function refusalFor(caller: string): AppError | undefined {
    if (blocked === undefined || blocked.size === 0) return undefined
    const until = blocked.get(caller)
    if (until === undefined) return undefined
    const leftMs = until - Date.now()
    if (leftMs > 0) return refusal(leftMs)
    blocked.delete(caller)
    return undefined
  }

  const block = (caller: string, decision: RateDecision) => {
    if (decision.allowed) return
    blocked ??= new LRUCache<string, number>({ max: options.maxKeys })
    blocked.set(caller, Date.now() + decision.resetMs)
  }

  /**
   * Before the gate: a request without any credential from a blocked IP is refused before it is
   * authenticated or routed (a request with credentials is checked after the gate, as its caller).
   */
  const beforeGate: RequestStep = (request, reply) => {
    if (blocked === undefined || blocked.size === 0) return false
    if (carriesCredentials(request)) return false
    const refused = refusalFor(`ip:${request.ip}`)
    if (refused === undefined) return false
    sendProblem(request, reply, refused)
    return true
  }

  /** After the response: counts a 401 or 404 against its caller; past the limit, blocks the caller. */
  const count: ResponseStep = (request, reply, config) => {
    const status = reply.statusCode
    if (status !== 401 && status !== 404) return
    if (config.url !== undefined && exempt.has(config.url)) return
    // A rejected credential would count against its IP, whose requests with credentials are never refused
    // here: only its credential-less neighbours (a NAT) would be. The gate's lock-out counts those instead.
    if ((request.principal === null || request.principal.kind === 'anonymous') && carriesCredentials(request))
      return
    const caller = callerOf(request)
    const decision = store.take(`${policy.name}:${caller}`, policy)
    if (decision instanceof Promise) {
      decision.then(
        (settled) => {
          block(caller, settled)
        },
        () => undefined,
      )
    } else block(caller, decision)
  }

  return { beforeGate, count, refusalFor }
}

export type FailureThrottle = ReturnType<typeof createFailureThrottle>
