// ETags of plans and the If-Match preconditions that name them (RFC 9110 §8.8.3, §13.1.1).
import type { ExpectedVersion } from './service.ts'

export function etagOf(plan: { version: number }): string {
  return `"${plan.version}"`
}

/**
 * The version an If-Match header asks for: absent → undefined, `*` → any current version, a strong
 * tag → its version. A weak or foreign tag can never match (strong comparison), so it yields version 0.
 */
export function expectedVersionOf(ifMatch: string | undefined): ExpectedVersion | undefined {
  if (ifMatch === undefined) return undefined
  const first = ifMatch.split(',', 1)[0]?.trim() ?? ''
  if (first === '*') return '*'
  const match = /^"([1-9][0-9]{0,9})"$/.exec(first)
  return match?.[1] === undefined ? 0 : Number(match[1])
}
