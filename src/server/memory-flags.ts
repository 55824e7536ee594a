// The V8 heap settings every Bulwark server process runs with (npm start, the supervisor's workers, the
// benchmark). Measured in docs/BENCHMARKS.md (Memory): V8's defaults let a worker's young generation grow to
// 2 × 64 MB and its old generation to up to 4× the live heap before a full collection, which put a worker at
// 220–290 MB after the benchmark load with ~55 MB live. 8 MB semi-spaces and a 25 % growing factor keep it
// under 150 MB.
// --no-allocation-site-pretenuring: under load V8 may decide that the objects of a request (its
// IncomingMessage, ServerResponse, header strings) survive often enough to be allocated straight into the
// old generation. They then die there, only a full collection frees them, and they keep the young objects
// they point to alive through scavenges: the server fell into a state of back-to-back full collections at
// ~40 % less throughput and ~100 MB more RSS, in about half the runs (docs/BENCHMARKS.md, Memory).

/** Each flag as `--name=value`; the package.json start script spells the same list (a test checks it). */
export const MEMORY_FLAGS: readonly string[] = [
  '--max-semi-space-size=8',
  '--heap-growing-percent=25',
  '--no-allocation-site-pretenuring',
]

/** `--max_semi_space_size=4` and `--no-allocation-site-pretenuring` name the same flags as ours. */
const flagName = (flag: string) => (flag.split('=')[0]?.replaceAll('_', '-') ?? flag).replace(/^--no-/, '--')

/**
 * The primary's own Node arguments plus every memory flag it was not given: an operator's
 * `node --max-semi-space-size=N` or `NODE_OPTIONS='--heap-growing-percent=N'` wins over ours.
 */
export function withMemoryFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName))
  return [...execArgv, ...MEMORY_FLAGS.filter((flag) => !given.has(flagName(flag)))]
}
