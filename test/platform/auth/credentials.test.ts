import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readCredential, type CredentialFormat } from '../../../src/platform/auth/credentials.ts'
import { digestsEqual } from '../../../src/platform/auth/secrets.ts'

const HEADERS_ONLY: CredentialFormat = { apiKeyPrefix: 'bk_', accessCookie: undefined }
const WITH_COOKIE: CredentialFormat = { apiKeyPrefix: 'bk_', accessCookie: 'bulwark_access' }

describe('readCredential', () => {
  it('tells API keys from access tokens', () => {
    assert.deepEqual(readCredential({ authorization: 'Bearer bk_x' }, HEADERS_ONLY), {
      kind: 'api_key',
      value: 'bk_x',
      via: 'header',
    })
    assert.deepEqual(readCredential({ authorization: 'Bearer eyJ.x.y' }, HEADERS_ONLY), {
      kind: 'access_token',
      value: 'eyJ.x.y',
      via: 'header',
    })
    assert.deepEqual(readCredential({ 'x-api-key': 'bk_x' }, HEADERS_ONLY), {
      kind: 'api_key',
      value: 'bk_x',
      via: 'header',
    })
  })

  it('reads the access cookie only when cookie mode names it, and only without a header', () => {
    const headers = { cookie: 'a=1; bulwark_access=eyJ.c.d' }
    assert.equal(readCredential(headers, HEADERS_ONLY), undefined)
    assert.deepEqual(readCredential(headers, WITH_COOKIE), {
      kind: 'access_token',
      value: 'eyJ.c.d',
      via: 'cookie',
    })
    assert.deepEqual(readCredential({ ...headers, authorization: 'Bearer bk_x' }, WITH_COOKIE), {
      kind: 'api_key',
      value: 'bk_x',
      via: 'header',
    })
    assert.equal(readCredential({ cookie: 'other=1' }, WITH_COOKIE), undefined)
  })

  it('calls other schemes, X-API-Key without the prefix and oversized values malformed', () => {
    assert.equal(readCredential({ authorization: 'Basic abc' }, HEADERS_ONLY), 'malformed')
    assert.equal(readCredential({ 'x-api-key': 'abc' }, HEADERS_ONLY), 'malformed')
    assert.equal(readCredential({ authorization: `Bearer ${'a'.repeat(4097)}` }, HEADERS_ONLY), 'malformed')
    assert.equal(readCredential({}, HEADERS_ONLY), undefined)
  })

  it('tells API keys by the prefix it is given', () => {
    const format = { apiKeyPrefix: 'sk_', accessCookie: undefined }

    assert.deepEqual(readCredential({ authorization: 'Bearer sk_x' }, format), {
      kind: 'api_key',
      value: 'sk_x',
      via: 'header',
    })
    assert.deepEqual(readCredential({ authorization: 'Bearer bk_x' }, format), {
      kind: 'access_token',
      value: 'bk_x',
      via: 'header',
    })
    assert.equal(readCredential({ 'x-api-key': 'bk_x' }, format), 'malformed')
  })
})

describe('digestsEqual', () => {
  it('compares equal and unequal digests, including different lengths', () => {
    assert.equal(digestsEqual('abc', 'abc'), true)
    assert.equal(digestsEqual('abc', 'abd'), false)
    assert.equal(digestsEqual('abc', 'abcd'), false)
  })
})
