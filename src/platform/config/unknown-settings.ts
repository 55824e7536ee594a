// Names in the environment or .env that look like Bulwark settings but are not (a typo such as PROT or
// DATABSE_URL is otherwise silently ignored and its default used). Each gets one warning naming the
// closest known setting. "Looks like" means: within a small edit distance of a known name, or carrying
// a prefix a settings group owns (DB_, AUTH_, ...). Unrelated variables (PATH, HOME) are left alone.
import { GROUPS, VARIABLES } from './schema.ts'

/** Read by Bulwark although not in the schema. */
const ALSO_KNOWN = ['ENV_FILE', 'UV_THREADPOOL_SIZE', 'BULWARK_PASSWORD', 'TEST_DATABASE_URL']

const GROUP_PREFIXES = GROUPS.flatMap((group) => group.prefixes ?? [])

/** Every name Bulwark reads, built once. */
const KNOWN: ReadonlySet<string> = new Set([
  ...ALSO_KNOWN,
  ...Object.entries(VARIABLES).flatMap(([name, spec]) =>
    spec.secret === true ? [name, `${name}_FILE`] : [name],
  ),
])

/** Optimal string alignment distance: edits, with a swap of two neighbours counting as one (PROT/PORT). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      const row = rows[i] as number[]
      const above = rows[i - 1] as number[]
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] ?? 0) + 1)
      }
      row[j] = best
    }
  }
  return (rows[a.length] as number[])[b.length] ?? 0
}

/** A warning for every name that looks like a setting but is none, with the closest known name. */
export function unknownSettingWarnings(names: Iterable<string>): string[] {
  const warnings: string[] = []
  for (const name of names) {
    if (KNOWN.has(name)) continue
    let closest = ''
    let distance = Infinity
    for (const candidate of KNOWN) {
      // The length difference is a lower bound of the distance: skip what cannot be closer.
      if (Math.abs(name.length - candidate.length) >= distance) continue
      const d = editDistance(name, candidate)
      if (d < distance) [closest, distance] = [candidate, d]
    }
    const near = distance <= (name.length < 8 ? 1 : 2)
    if (!near && !GROUP_PREFIXES.some((prefix) => name.startsWith(prefix))) continue
    warnings.push(
      near
        ? `${name}: not a Bulwark setting and ignored; did you mean ${closest}?`
        : `${name}: not a Bulwark setting and ignored (the closest is ${closest}; .env.example lists them all)`,
    )
  }
  return warnings
}
