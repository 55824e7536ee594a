// Rate limits: how many requests each caller may make in a sliding window (platform/rate-limit).
import { defineGroup } from '../group.ts'
import { perEnv } from '../variable.ts'
import type { RatePolicy } from '../../rate-limit/sliding-log.ts'

export interface RateLimitConfig {
  principal: RatePolicy
  admin: RatePolicy
  anonymous: RatePolicy
  sensitive: RatePolicy
  /** 401 and 404 answers per caller; past it, the caller is refused until one leaves the window. */
  failures: RatePolicy
  /** Keys (callers × policies) one process remembers; the least recently used is forgotten first. */
  maxKeys: number
}

/** `100/1m`: a count, then a window of seconds, minutes or hours (`1m`, `30s`, `h`). */
const RATE = /^([1-9][0-9]{0,5})\/([1-9][0-9]{0,4})?([smh])$/
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const
/** Most requests one policy may allow in its window: a key's log holds one time (8 bytes) per request. */
export const MAX_RATE_LIMIT = 100_000

function policy(name: string, text: string): RatePolicy {
  const match = RATE.exec(text)
  if (match === null) throw new Error(`not a rate: ${text}`)
  const [, count, amount, unit] = match
  return {
    name,
    limit: Number(count),
    windowMs: Number(amount ?? '1') * UNIT_MS[(unit ?? 's') as keyof typeof UNIT_MS],
  }
}

const rateDoc = (who: string) =>
  `Requests ${who} may make in any sliding window, as COUNT/WINDOW with the window in s, m or h (100/1m, 10/30s); at most ${String(MAX_RATE_LIMIT)} per window. More get 429 RATE_LIMITED with Retry-After.`

export const rateLimitGroup = defineGroup({
  section: 'rate-limits',
  prefixes: ['RATE_LIMIT_'],
  variables: {
    RATE_LIMIT_PRINCIPAL: {
      type: 'string',
      pattern: RATE,
      default: perEnv('600/1m', '600/1m', '100000/1m'),
      doc: rateDoc('each API key and each user (not an administrator)'),
    },
    RATE_LIMIT_ADMIN: {
      type: 'string',
      pattern: RATE,
      default: perEnv('3000/1m', '3000/1m', '100000/1m'),
      doc: rateDoc('each administrator (user or API key)'),
    },
    RATE_LIMIT_ANONYMOUS: {
      type: 'string',
      pattern: RATE,
      default: perEnv('120/1m', '120/1m', '100000/1m'),
      doc: rateDoc('each client IP without credentials (behind TRUST_PROXY, the forwarded client address)'),
    },
    RATE_LIMIT_SENSITIVE: {
      type: 'string',
      pattern: RATE,
      default: perEnv('10/1m', '10/1m', '100000/1m'),
      doc: `${rateDoc('each caller (its key or user, else its IP) on register, login, refresh, password change, TOTP and API-key creation')} Counted in addition to the caller's own limit.`,
    },
    RATE_LIMIT_FAILURES: {
      type: 'string',
      pattern: RATE,
      default: perEnv('50/10m', '50/10m', '100000/1m'),
      doc: 'Answers 401 or 404 a caller (its key or user, else its IP) may receive in any sliding window before every request of it gets 429 RATE_LIMITED until one leaves the window: throttles the enumeration of ids, accounts and keys. COUNT/WINDOW as above.',
    },
    RATE_LIMIT_MAX_KEYS: {
      type: 'integer',
      min: 1000,
      max: 10_000_000,
      default: '100000',
      doc: 'Callers × policies one process (or the primary, for its workers) remembers; the least recently seen is forgotten first.',
    },
  },
  build: (values): RateLimitConfig => ({
    principal: policy('principal', values.RATE_LIMIT_PRINCIPAL),
    admin: policy('admin', values.RATE_LIMIT_ADMIN),
    anonymous: policy('anonymous', values.RATE_LIMIT_ANONYMOUS),
    sensitive: policy('sensitive', values.RATE_LIMIT_SENSITIVE),
    failures: policy('failures', values.RATE_LIMIT_FAILURES),
    maxKeys: values.RATE_LIMIT_MAX_KEYS,
  }),
  checks({ rateLimit }) {
    return (['principal', 'admin', 'anonymous', 'sensitive', 'failures'] as const)
      .filter((name) => rateLimit[name].limit > MAX_RATE_LIMIT)
      .map(
        (name) => `RATE_LIMIT_${name.toUpperCase()}: at most ${String(MAX_RATE_LIMIT)} requests per window`,
      )
  },
})
