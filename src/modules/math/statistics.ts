// Descriptive statistics of a sample: careful summation, scaled variance and R type 7 quantiles.
import { mathErrors } from './errors.ts'

export interface Quantile {
  q: number
  value: number
}

/** Field names are snake_case because the object is the JSON response body as is. */
export interface Statistics {
  count: number
  sum: number
  mean: number
  median: number
  modes: number[]
  variance_population: number
  variance_sample: number | null
  stddev_population: number
  stddev_sample: number | null
  min: number
  max: number
  quantiles: Quantile[]
}

/** More modes than this are cut off (the smallest are kept): a sample of distinct values has n of them. */
export const MAX_MODES = 100

/**
 * Describes a sample of finite numbers; quantiles are answered in the order asked.
 * @throws RangeError when values is empty or a q is outside [0, 1].
 * @throws AppError RESULT_NOT_FINITE when the sum or the variance is not finite: a value is NaN or
 * infinite (JSON's 1e999 parses to Infinity), or they reach beyond ±1.8e308.
 */
export function describe(values: readonly number[], quantiles: readonly number[] = []): Statistics {
  assertSample(values, quantiles)
  const sorted = Float64Array.from(values).sort()
  const count = sorted.length
  const sum = requireFinite(compensatedSum(sorted), 'sum')
  const deviations = squaredDeviationsOf(sorted, sum / count)
  const variancePopulation = requireFinite(varianceOf(deviations, count), 'variance')
  const varianceSample = count > 1 ? requireFinite(varianceOf(deviations, count - 1), 'variance') : null
  return {
    count,
    sum,
    mean: deviations.mean,
    median: quantileOf(sorted, 0.5),
    modes: modesOf(sorted),
    variance_population: variancePopulation,
    variance_sample: varianceSample,
    stddev_population: Math.sqrt(variancePopulation),
    stddev_sample: varianceSample === null ? null : Math.sqrt(varianceSample),
    min: sorted[0] ?? Number.NaN,
    max: sorted[count - 1] ?? Number.NaN,
    quantiles: quantiles.map((q) => ({ q, value: quantileOf(sorted, q) })),
  }
}

function assertSample(values: readonly number[], quantiles: readonly number[]): void {
  if (values.length === 0) throw new RangeError('describe needs at least one value')
  if (!quantiles.every((q) => q >= 0 && q <= 1)) throw new RangeError('quantiles must be within [0, 1]')
}

function requireFinite(value: number, name: string): number {
  if (Number.isFinite(value)) return value
  throw mathErrors.RESULT_NOT_FINITE({ detail: `The ${name} of these values is not a finite number.` })
}

// Neumaier's compensated sum: the running error is carried separately, so 1e16 + 1 - 1e16 is 1, not 0.
// A partial sum overflows only when some |x| ≥ 1.8e308 / n; then either the total is beyond range
// too or values of both signs that far apart put the variance there, so it is not retried scaled.
function compensatedSum(values: Float64Array): number {
  let sum = 0
  let compensation = 0
  for (const value of values) {
    const total = sum + value
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum
    sum = total
  }
  return sum + compensation
}

interface SquaredDeviations {
  /** The mean, refined by the average deviation from the first estimate (zero in exact arithmetic). */
  mean: number
  /** Σ(x − mean)² as `centered · scale²`, so that neither factor can overflow on its own. */
  centered: number
  scale: number
}

// Two-pass variance: the deviations from the known mean are divided by the largest one, so squaring
// 1e200 does not overflow when the variance itself is representable. The corrected two-pass formula
// subtracts (Σd)²/n, which cancels the rounding error of the mean.
function squaredDeviationsOf(values: Float64Array, mean: number): SquaredDeviations {
  let scale = 0
  for (const value of values) scale = Math.max(scale, Math.abs(value - mean))
  if (scale === 0 || scale === Infinity) return { mean, centered: scale === 0 ? 0 : Infinity, scale }
  let squares = 0
  let deviations = 0
  for (const value of values) {
    const deviation = (value - mean) / scale
    squares += deviation * deviation
    deviations += deviation
  }
  return {
    mean: mean + (deviations / values.length) * scale,
    centered: Math.max(0, squares - (deviations * deviations) / values.length),
    scale,
  }
}

// The small factor is multiplied by the scale twice, never by scale², which could overflow alone.
function varianceOf({ centered, scale }: SquaredDeviations, divisor: number): number {
  if (centered === 0) return 0
  return (centered / divisor) * scale * scale
}

/**
 * Quantile q of sorted values by linear interpolation between order statistics:
 * R type 7 and the numpy default, so q = 0 is the minimum, 1 the maximum, 0.5 the median.
 */
function quantileOf(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q
  const lower = Math.floor(position)
  const upper = Math.min(lower + 1, sorted.length - 1)
  return interpolate(sorted[lower] ?? Number.NaN, sorted[upper] ?? Number.NaN, position - lower)
}

// numpy's lerp: exact at both ends and monotonic. When high − low overflows (from -1e308 to 1e308),
// the weighted form, which cannot, is used instead.
function interpolate(low: number, high: number, fraction: number): number {
  if (fraction === 0 || low === high) return low
  const value = fraction < 0.5 ? low + fraction * (high - low) : high - (1 - fraction) * (high - low)
  return Number.isFinite(value) ? value : (1 - fraction) * low + fraction * high
}

// All values that share the highest frequency, ascending. When every value occurs once, every
// value is a mode: that is the definition, and "no mode" would need a second shape in the body.
function modesOf(sorted: Float64Array): number[] {
  let modes: number[] = []
  let best = 0
  let start = 0
  while (start < sorted.length) {
    const value = sorted[start] ?? Number.NaN
    let end = start + 1
    while (end < sorted.length && sorted[end] === value) end += 1
    const frequency = end - start
    if (frequency > best) {
      best = frequency
      modes = []
    }
    if (frequency === best && modes.length < MAX_MODES) modes.push(value)
    start = end
  }
  return modes
}
