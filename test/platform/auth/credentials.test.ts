import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readCredential } from '../../../src/platform/auth/credentials.ts'
import { digestsEqual } from '../../../src/platform/auth/secrets.ts'

describe('readCredential', () => {
  it('tells API keys from access tokens', () => {
    assert.deepEqual(readCredential({ authorization: 'Bearer bk_x' }, undefined), {
      kind: 'api_key',
      value: 'bk_x',
      via: 'header',
    })
    assert.deepEqual(readCredential({ authorization: 'Bearer eyJ.x.y' }, undefined), {
      kind: 'access_token',
      value: 'eyJ.x.y',
      via: 'header',
    })
    assert.deepEqual(readCredential({ 'x-api-key': 'bk_x' }, undefined), {
      kind: 'api_key',
      value: 'bk_x',
      via: 'header',
    })
  })

  it('reads the access cookie only when cookie mode names it, and only without a header', () => {
    const headers = { cookie: 'a=1; bulwark_access=eyJ.c.d' }
    assert.equal(readCredential(headers, undefined), undefined)
    assert.deepEqual(readCredential(headers, 'bulwark_access'), {
      kind: 'access_token',
      value: 'eyJ.c.d',
      via: 'cookie',
    })
    assert.deepEqual(readCredential({ ...headers, authorization: 'Bearer bk_x' }, 'bulwark_access'), {
      kind: 'api_key',
      value: 'bk_x',
      via: 'header',
    })
    assert.equal(readCredential({ cookie: 'other=1' }, 'bulwark_access'), undefined)
  })

  it('calls other schemes, X-API-Key without the prefix and oversized values malformed', () => {
    assert.equal(readCredential({ authorization: 'Basic abc' }, undefined), 'malformed')
    assert.equal(readCredential({ 'x-api-key': 'abc' }, undefined), 'malformed')
    assert.equal(readCredential({ authorization: `Bearer ${'a'.repeat(4097)}` }, undefined), 'malformed')
    assert.equal(readCredential({}, undefined), undefined)
  })
})

describe('digestsEqual', () => {
  it('compares equal and unequal digests, including different lengths', () => {
    assert.equal(digestsEqual('abc', 'abc'), true)
    assert.equal(digestsEqual('abc', 'abd'), false)
    assert.equal(digestsEqual('abc', 'abcd'), false)
  })
})
