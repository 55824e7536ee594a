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
  // Three rolling rows (two back for the swap) instead of the whole table.
  let before = new Uint16Array(b.length + 1)
  let above = Uint16Array.from({ length: b.length + 1 }, (_, j) => j)
  let row = new Uint16Array(b.length + 1)
  for (let i = 1; i <= a.length; i++) {
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] as number) + 1)
      }
      row[j] = best
    }
    ;[before, above, row] = [above, row, before]
  }
  return above[b.length] as number
}

/** A warning for every name that looks like a setting but is none, with the closest known name. */
export function unknownSettingWarnings(names: Iterable<string>): string[] {
  const warnings: string[] = []
  for (const name of names) {
    if (KNOWN.has(name)) continue
    const limit = name.length < 8 ? 1 : 2
    const owned = GROUP_PREFIXES.some((prefix) => name.startsWith(prefix))
    // Most of the environment (PATH, HOME, ...) is neither: only a name within the limit could make it
    // one, so the search starts there and the length bound below skips nearly every candidate.
    let closest = ''
    let distance = owned ? Infinity : limit + 1
    for (const candidate of KNOWN) {
      // The length difference is a lower bound of the distance: skip what cannot be closer.
      if (Math.abs(name.length - candidate.length) >= distance) continue
      const d = editDistance(name, candidate)
      if (d < distance) [closest, distance] = [candidate, d]
    }
    const near = distance <= limit
    if (!near && !owned) continue
    warnings.push(
      near
        ? `${name}: not a Bulwark setting and ignored; did you mean ${closest}?`
        : `${name}: not a Bulwark setting and ignored (the closest is ${closest}; .env.example lists them all)`,
    )
  }
  return warnings
}
