// TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps) through otpauth, and one-time recovery codes.
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import type { TOTP } from 'otpauth'

// Loaded by the first use of two-factor authentication, not at every worker's start.
const require = createRequire(import.meta.url)
let otpauth: typeof import('otpauth') | undefined
const loadOtpauth = () => (otpauth ??= require('otpauth') as typeof import('otpauth'))

const PERIOD_S = 30
/** Codes from one step before or after are accepted (clock drift of the authenticator). */
const WINDOW = 1
const RECOVERY_CODES = 10

function totpOf(secretBase32: string, label: string, issuer: string): TOTP {
  const { Secret, TOTP } = loadOtpauth()
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  })
}

/** A new 160-bit secret (RFC 4226 recommends 160) and the otpauth:// URI to show as a QR code. */
export function newTotpSecret(label: string, issuer: string): { secret: string; uri: string } {
  const secret = new (loadOtpauth().Secret)({ size: 20 }).base32
  return { secret, uri: totpOf(secret, label, issuer).toString() }
}

/** The 30-second step the code belongs to, or undefined when it matches none in the window. */
export function totpStepOf(secretBase32: string, code: string, now = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined
  const delta = totpOf(secretBase32, 'x', 'x').validate({ token: code, timestamp: now, window: WINDOW })
  if (delta === null) return undefined
  return Math.floor(now / 1000 / PERIOD_S) + delta
}

/** The current code (for tests and tooling). */
export function totpCodeAt(secretBase32: string, now = Date.now()): string {
  return totpOf(secretBase32, 'x', 'x').generate({ timestamp: now })
}

/** Ten codes like `k7m2p-9xq4d`, 50 bits each; shown once, stored as digests. */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789'
  return Array.from({ length: RECOVERY_CODES }, () => {
    const bytes = randomBytes(10)
    const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length] ?? 'a').join('')
    return `${chars.slice(0, 5)}-${chars.slice(5)}`
  })
}

/** Recovery codes are compared without case, spaces or dashes. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '')
}
