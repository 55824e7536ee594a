import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { createTestDatabase, TEST_BACKENDS } from '../../helpers/database.ts'
import { createPlan } from '../../helpers/plans.ts'
import { assertProblem } from '../../helpers/problem.ts'
import type { App } from '../../../src/app.ts'

interface Page {
  items: {
    id: string
    title: string
    start_date: string
    created_at: string
    status: string
    tags: string[]
  }[]
  next_cursor: string | null
}

async function listAll(app: App, query: string): Promise<Page['items'][]> {
  const pages: Page['items'][] = []
  let cursor: string | null = null
  do {
    const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`
    const response = await app.inject({ url: `/api/v1/plans?${query}${suffix}` })
    assert.equal(response.statusCode, 200, response.body)
    const page = response.json<Page>()
    pages.push(page.items)
    cursor = page.next_cursor
  } while (cursor !== null && pages.length < 50)
  return pages
}

for (const backend of TEST_BACKENDS) {
  describe(`GET /api/v1/plans on ${backend}`, () => {
    async function seeded(t: Parameters<typeof buildTestApp>[0]) {
      const { database } = await createTestDatabase(t, backend)
      const { app } = await buildTestApp(t, {}, undefined, database)
      const days = ['2026-01-05', '2026-03-01', '2026-02-10', '2026-01-20', '2026-04-01']
      for (let i = 0; i < 25; i++) {
        await createPlan(app, {
          title: i % 5 === 0 ? `Migrate the billing database ${i}` : `Plan number ${i}`,
          description: i === 7 ? 'Rotate the signing keys before the audit' : '',
          status: i % 3 === 0 ? 'active' : 'draft',
          start_date: days[i % days.length],
          tags: i % 4 === 0 ? ['ops'] : ['dev'],
        })
      }
      return app
    }

    it('pages through every plan once, newest first, with an opaque cursor', async (t) => {
      const app = await seeded(t)

      const pages = await listAll(app, 'limit=10')

      assert.deepEqual(
        pages.map((page) => page.length),
        [10, 10, 5],
      )
      const items = pages.flat()
      assert.equal(new Set(items.map((item) => item.id)).size, 25)
      const created = items.map((item) => item.created_at)
      assert.deepEqual(created, [...created].sort().reverse())
    })

    it('sorts by start_date in both directions across pages', async (t) => {
      const app = await seeded(t)

      const ascending = (await listAll(app, 'limit=7&sort=start_date')).flat().map((item) => item.start_date)
      const descending = (await listAll(app, 'limit=7&sort=-start_date'))
        .flat()
        .map((item) => item.start_date)

      assert.equal(ascending.length, 25)
      assert.deepEqual(ascending, [...ascending].sort())
      assert.deepEqual(descending, [...ascending].reverse())
    })

    it('filters by status, tag and start date range', async (t) => {
      const app = await seeded(t)

      const active = (await listAll(app, 'status=active&limit=100')).flat()
      const ops = (await listAll(app, 'tag=ops&limit=100')).flat()
      const february = (await listAll(app, 'start_date_from=2026-02-01&start_date_to=2026-02-28')).flat()

      assert.equal(active.length, 9)
      assert.ok(active.every((item) => item.status === 'active'))
      assert.equal(ops.length, 7)
      assert.ok(ops.every((item) => item.tags.includes('ops')))
      assert.equal(february.length, 5)
      assert.ok(february.every((item) => item.start_date === '2026-02-10'))
    })

    it('searches title and description in full text', async (t) => {
      const app = await seeded(t)

      const billing = (await listAll(app, `q=${encodeURIComponent('billing databases')}`)).flat()
      const keys = (await listAll(app, 'q=signing')).flat()
      const none = (await listAll(app, 'q=nothing-like-this')).flat()

      assert.equal(billing.length, 5, 'stemming matches "databases" to "database"')
      assert.equal(keys.length, 1)
      assert.equal(none.length, 0)
    })

    it('answers 422 for a tampered cursor, a cursor of another sort, a limit over 100 and a NUL in q', async (t) => {
      const app = await seeded(t)
      const first = (await app.inject({ url: '/api/v1/plans?limit=5' })).json<Page>()

      const tampered = await app.inject({ url: '/api/v1/plans?cursor=bm90LWEtY3Vyc29y' })
      const otherSort = await app.inject({
        url: `/api/v1/plans?sort=start_date&cursor=${encodeURIComponent(first.next_cursor ?? '')}`,
      })
      const tooMany = await app.inject({ url: '/api/v1/plans?limit=101' })
      const nul = await app.inject({ url: '/api/v1/plans?q=%00x' })

      const body = assertProblem(tampered, 422, 'VALIDATION_FAILED')
      assert.equal((body.errors as { pointer: string; location: string }[])[0]?.location, 'query')
      assertProblem(otherSort, 422, 'VALIDATION_FAILED')
      assertProblem(tooMany, 422, 'VALIDATION_FAILED')
      assertProblem(nul, 422, 'VALIDATION_FAILED')
    })

    it('answers 422, not 500, for a cursor whose date is well-formed but impossible (issue 8)', async (t) => {
      const app = await seeded(t)
      const forged = (sort: string, value: string) =>
        Buffer.from(JSON.stringify([sort, value, '00000000-0000-0000-0000-000000000000'])).toString(
          'base64url',
        )

      const responses = await Promise.all(
        [
          ['created_at', '2026-99-99T99:99:99.999Z'],
          ['-created_at', '2026-02-30T00:00:00.000Z'],
          ['start_date', '2026-13-45'],
          ['-start_date', '2026-02-30'],
          ['start_date', '0000-01-01'],
        ].map(([sort = '', value = '']) =>
          app.inject({ url: `/api/v1/plans?sort=${sort}&cursor=${forged(sort, value)}` }),
        ),
      )

      for (const response of responses) assertProblem(response, 422, 'VALIDATION_FAILED')
    })
  })
}
