import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createCorsPolicy } from '../../../src/platform/security/cors.ts'
import { createApiHeaders } from '../../../src/platform/security/headers.ts'

describe('createCorsPolicy', () => {
  const policy = createCorsPolicy({ origins: ['https://a.example'], maxAgeS: 60 })

  it('grants listed origins exactly, never by prefix or suffix', () => {
    assert.ok(policy.responseHeaders('https://a.example'))
    assert.equal(policy.responseHeaders('https://a.example.evil.com'), undefined)
    assert.equal(policy.responseHeaders('http://a.example'), undefined)
    assert.equal(policy.responseHeaders('null'), undefined)
  })

  it('grants only well-formed requested header names in a preflight', () => {
    const headers = policy.preflightHeaders('https://a.example', 'content-type, x-ok, bad header, evil\r\nx')

    assert.equal(headers?.['access-control-allow-headers'], 'content-type, x-ok')
    assert.equal(headers?.['access-control-max-age'], '60')
  })
})

describe('createApiHeaders', () => {
  it('is computed once from helmet, with HSTS only when asked', () => {
    const withHsts = createApiHeaders({ hsts: true })
    const without = createApiHeaders({ hsts: false })

    assert.ok(Object.isFrozen(withHsts))
    assert.match(withHsts['strict-transport-security'] ?? '', /max-age=31536000/)
    assert.equal(without['strict-transport-security'], undefined)
    assert.equal(without['x-content-type-options'], 'nosniff')
    assert.equal(without['cross-origin-opener-policy'], 'same-origin')
  })
})
