/**
 * The n-th Fibonacci number (F(0) = 0, F(1) = 1), exact.
 * Fast doubling over the bits of n: O(log n) steps of BigInt products instead of n additions,
 * from F(2k) = F(k)·(2·F(k+1) − F(k)) and F(2k+1) = F(k)² + F(k+1)².
 * @throws RangeError when n is not a non-negative safe integer.
 */
export function fibonacci(n: number): bigint {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`fibonacci needs a non-negative safe integer, got ${n}`)
  }
  let current = 0n // F(k)
  let next = 1n // F(k + 1)
  // BigInt for the bits: JavaScript's bitwise operators stop at 32 bits, safe integers go to 53.
  for (const bit of BigInt(n).toString(2)) {
    const doubled = current * (2n * next - current) // F(2k)
    const doubledNext = current * current + next * next // F(2k + 1)
    if (bit === '1') {
      current = doubledNext
      next = doubled + doubledNext
    } else {
      current = doubled
      next = doubledNext
    }
  }
  return current
}
