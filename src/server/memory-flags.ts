// The V8 heap settings every Bulwark server process runs with (npm start, the supervisor's workers, the
// benchmark). Measured in docs/BENCHMARKS.md (Memory): V8's defaults let a worker's young generation grow to
// 2 × 64 MB and its old generation to up to 4× the live heap before a full collection, which put a worker at
// 220–290 MB after the benchmark load with ~55 MB live. 8 MB semi-spaces and a 25 % growing factor keep it
// under 150 MB.

/** Each flag as `--name=value`; the package.json start script spells the same list (a test checks it). */
export const MEMORY_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=25']

const flagName = (flag: string) => flag.split('=')[0]?.replaceAll('_', '-') ?? flag

/**
 * The primary's own Node arguments plus every memory flag it was not given: an operator's
 * `node --max-semi-space-size=N` or `NODE_OPTIONS='--heap-growing-percent=N'` wins over ours.
 */
export function withMemoryFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName))
  return [...execArgv, ...MEMORY_FLAGS.filter((flag) => !given.has(flagName(flag)))]
}
