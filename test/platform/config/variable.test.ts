import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defaultOf, optional, perEnv, type VariableSpec } from '../../../src/platform/config/variable.ts'

describe('a variable declaration', () => {
  it('has one default for every NODE_ENV, or one per NODE_ENV', () => {
    const single: VariableSpec = { type: 'string', default: 'bulwark', doc: '' }
    const split: VariableSpec = { type: 'string', default: perEnv('./data', './data', 'memory://'), doc: '' }

    assert.equal(defaultOf(single, 'test'), 'bulwark')
    assert.equal(defaultOf(split, 'development'), './data')
    assert.equal(defaultOf(split, 'test'), 'memory://')
  })

  it('reads an empty optional value as unset', () => {
    assert.equal(optional(''), undefined)
    assert.equal(optional('/run/secrets/key.pem'), '/run/secrets/key.pem')
  })
})
