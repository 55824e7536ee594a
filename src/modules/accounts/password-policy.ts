// Password rules after NIST SP 800-63B: length (no composition rules), and no commonly used or
// context-specific passwords. The common list is zxcvbn-ts's (about 49,000 leaked passwords).
import { createRequire } from 'node:module'

// Loaded by the first password checked, not at start: unpacking the list costs ~20 ms of CPU that a
// worker's start (a replacement after a crash) need not pay.
const require = createRequire(import.meta.url)

export interface PasswordPolicy {
  minLength: number
  maxLength: number
}

let common: ReadonlySet<string> | undefined

function commonPasswords(): ReadonlySet<string> {
  if (common !== undefined) return common
  const { dictionary } = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common')
  common = new Set(dictionary['passwords-common'])
  return common
}

/** Why the password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, email: string, policy: PasswordPolicy): string | undefined {
  // NIST counts each Unicode code point as one character (not UTF-16 units, not bytes, not graphemes).
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are what is counted
  const length = [...password.normalize('NFKC')].length
  if (length < policy.minLength) return `must be at least ${policy.minLength} characters`
  if (length > policy.maxLength) return `must be at most ${policy.maxLength} characters`
  const lower = password.toLowerCase()
  if (commonPasswords().has(lower)) return 'is a commonly used password'
  if (new Set(lower).size < 4) return 'repeats too few characters'
  const local = email.split('@')[0] ?? ''
  if (local.length >= 4 && lower.includes(local)) return 'must not contain the email address'
  if (lower.includes('bulwark')) return 'must not contain the service name'
  return undefined
}
