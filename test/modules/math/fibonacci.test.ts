import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fibonacci } from '../../../src/modules/math/fibonacci.ts'

const F_1000 =
  '43466557686937456435688527675040625802564660517371780402481729089536555417949051890403879840079255169295922593080322634775209689623239873322471161642996440906533187938298969649928516003704476137795166849228875'

describe('fibonacci', () => {
  it('starts with F(0) = 0, F(1) = 1, F(2) = 1', () => {
    assert.deepEqual([0, 1, 2].map(fibonacci), [0n, 1n, 1n])
  })

  it('answers F(10) = 55 and F(90), the largest below 2^63', () => {
    assert.equal(fibonacci(10), 55n)
    assert.equal(fibonacci(90), 2_880_067_194_370_816_120n)
  })

  it('answers all 209 digits of F(1000)', () => {
    assert.equal(fibonacci(1000).toString(), F_1000)
  })

  it('answers F(100000), which has 20899 digits', () => {
    const digits = fibonacci(100_000).toString()

    assert.equal(digits.length, 20_899)
    assert.equal(digits.slice(0, 20), '25974069347221724166')
    assert.equal(digits.slice(-20), '49895374653428746875')
  })

  it('agrees with plain addition for every n up to 500', () => {
    let [current, next] = [0n, 1n]
    for (let n = 0; n <= 500; n += 1) {
      assert.equal(fibonacci(n), current, `F(${n})`)
      ;[current, next] = [next, current + next]
    }
  })

  it('refuses negative, fractional, non-finite and unsafe n with a RangeError', () => {
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      assert.throws(() => fibonacci(n), RangeError, String(n))
    }
  })
})
