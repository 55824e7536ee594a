// Issue 8: path and query integers are coerced from decimal digits only, on every route that has one.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'

const NOT_DECIMAL = ['%20', '%205', '1e3', '0x10', '0b11', '+5', '5.0', 'Infinity']

describe('integer path and query parameters', () => {
  it('answers 422 for a path integer that is not decimal digits (fibonacci n)', async (t) => {
    const { app } = await buildTestApp(t)

    for (const n of NOT_DECIMAL) {
      const response = await app.inject({ url: `/api/v1/math/fibonacci/${n}` })

      const body = assertProblem(response, 422, 'VALIDATION_FAILED')
      assert.deepEqual(
        (body.errors as { location: string; pointer: string }[]).map(({ location, pointer }) => [
          location,
          pointer,
        ])[0],
        ['params', '/n'],
        n,
      )
    }
  })

  it('answers 422 for a query integer that is not decimal digits (plans and api-keys limit)', async (t) => {
    const { app } = await buildTestApp(t)
    const admin = await app.accounts.apiKeys.create('cli', { name: 'admin', scopes: ['admin'] })

    for (const limit of NOT_DECIMAL) {
      const plans = await app.inject({ url: `/api/v1/plans?limit=${limit}` })
      const keys = await app.inject({
        url: `/api/v1/api-keys?limit=${limit}`,
        headers: { authorization: `Bearer ${admin.key}` },
      })

      assertProblem(plans, 422, 'VALIDATION_FAILED')
      assertProblem(keys, 422, 'VALIDATION_FAILED')
    }
  })

  it('still coerces decimal digits, leading zeros included', async (t) => {
    const { app } = await buildTestApp(t)

    const fibonacci = await app.inject({ url: '/api/v1/math/fibonacci/010' })
    const plans = await app.inject({ url: '/api/v1/plans?limit=07' })

    assert.deepEqual(fibonacci.json(), { n: 10, value: '55' })
    assert.equal(plans.statusCode, 200, plans.body)
  })
})
