// Issue 12: conditional reads of plans. A plan's ETag (its version) and a list's weak ETag (its body) let a
// client revalidate with If-None-Match: 304 and no body while nothing changed, 200 with the new tag after.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { matchesIfNoneMatch } from '../../../src/platform/http/conditional-get.ts'
import { buildTestApp } from '../../helpers/build-app.ts'
import { createPlan } from '../../helpers/plans.ts'

describe('conditional reads of plans', () => {
  it('answers 304 for the current version of a plan, and 200 with the new ETag once it changed', async (t) => {
    const { app } = await buildTestApp(t)
    const plan = await createPlan(app)
    const url = `/api/v1/plans/${plan.id}`

    const unchanged = await app.inject({ url, headers: { 'if-none-match': '"1"' } })
    assert.equal(unchanged.statusCode, 304)
    assert.equal(unchanged.body, '')
    assert.equal(unchanged.headers.etag, '"1"')
    assert.equal(unchanged.headers['cache-control'], 'private, no-cache')
    assert.equal(unchanged.headers['content-type'], undefined)

    const changed = await app.inject({
      method: 'PATCH',
      url,
      headers: { 'if-match': '"1"' },
      payload: { title: 'Renamed' },
    })
    assert.equal(changed.statusCode, 200, changed.body)
    const fresh = await app.inject({ url, headers: { 'if-none-match': '"1"' } })
    assert.equal(fresh.statusCode, 200)
    assert.equal(fresh.headers.etag, '"2"')
    assert.equal(fresh.json<{ title: string }>().title, 'Renamed')
  })

  it('tags a list by its body: 304 while the page is the same, 200 once a plan was added', async (t) => {
    const { app } = await buildTestApp(t)
    await createPlan(app)
    const first = await app.inject({ url: '/api/v1/plans' })
    assert.equal(first.statusCode, 200)
    const etag = String(first.headers.etag)
    assert.match(etag, /^W\/"[A-Za-z0-9_-]{27}"$/)

    const again = await app.inject({ url: '/api/v1/plans', headers: { 'if-none-match': etag } })
    assert.equal(again.statusCode, 304)
    assert.equal(again.body, '')

    await createPlan(app, { title: 'Another' })
    const after = await app.inject({ url: '/api/v1/plans', headers: { 'if-none-match': etag } })
    assert.equal(after.statusCode, 200)
    assert.notEqual(after.headers.etag, etag)
  })

  it('never answers 304 to another caller’s tag for a plan it cannot see', async (t) => {
    const { app } = await buildTestApp(t)
    const plan = await createPlan(app)
    const other = await app.accounts.apiKeys.create('cli', { name: 'other', scopes: ['plans:read'] })
    const response = await app.inject({
      url: `/api/v1/plans/${plan.id}`,
      headers: { authorization: `Bearer ${other.key}`, 'if-none-match': '"1"' },
    })
    assert.equal(response.statusCode, 404)
  })

  it('compares weakly and understands lists and *', () => {
    assert.equal(matchesIfNoneMatch('W/"3"', '"3"'), true)
    assert.equal(matchesIfNoneMatch('"2", "3"', '"3"'), true)
    assert.equal(matchesIfNoneMatch('*', '"3"'), true)
    assert.equal(matchesIfNoneMatch('"4"', '"3"'), false)
  })
})
