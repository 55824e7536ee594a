import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { invalidField, invalidFields } from '../../../src/platform/errors/invalid-fields.ts'

describe('invalidField', () => {
  it('answers 422 VALIDATION_FAILED naming the one field in the detail', () => {
    const error = invalidField({
      location: 'body',
      pointer: '/end_date',
      message: 'must not be before start_date',
    })

    assert.equal(error.status, 422)
    assert.equal(error.code, 'VALIDATION_FAILED')
    assert.equal(error.detail, 'Invalid body: /end_date')
    assert.deepEqual(error.errors, [
      { location: 'body', pointer: '/end_date', message: 'must not be before start_date' },
    ])
  })

  it('names the location when the pointer is the whole part', () => {
    const error = invalidField({ location: 'query', pointer: '', message: 'is required' })

    assert.equal(error.detail, 'Invalid query: query')
  })

  it('keeps a given detail and the cause', () => {
    const cause = new Error('bad signature')

    const error = invalidField({
      location: 'query',
      pointer: '/cursor',
      message: 'is not valid',
      detail: 'Invalid query: cursor is not valid',
      cause,
    })

    assert.equal(error.detail, 'Invalid query: cursor is not valid')
    assert.equal(error.cause, cause)
  })
})

describe('invalidFields', () => {
  it('names each field once, in order', () => {
    const errors = [
      { location: 'body' as const, pointer: '/a', message: 'is required' },
      { location: 'body' as const, pointer: '/a', message: 'must be a string' },
      { location: 'body' as const, pointer: '', message: 'must be an object' },
    ]

    const error = invalidFields('body', errors)

    assert.equal(error.detail, 'Invalid body: /a, body')
    assert.deepEqual(error.errors, errors)
  })
})
