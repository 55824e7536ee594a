import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../../helpers/build-app.ts'
import { createTestDatabase, TEST_BACKENDS } from '../../helpers/database.ts'
import { createPlan, planInput } from '../../helpers/plans.ts'
import { assertProblem } from '../../helpers/problem.ts'

for (const backend of TEST_BACKENDS) {
  describe(`Plans API on ${backend}`, () => {
    async function setup(t: Parameters<typeof buildTestApp>[0]) {
      const { database } = await createTestDatabase(t, backend)
      const { app, principalId } = await buildTestApp(t, {}, undefined, database)
      return { app, database, principalId }
    }

    describe('POST /api/v1/plans', () => {
      it('creates a plan: 201 with Location, ETag and the stored fields', async (t) => {
        const { app, principalId } = await setup(t)

        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/plans',
          payload: planInput({ description: 'Kysely on PG', end_date: '2026-12-31', tags: ['db', 'q4'] }),
        })

        assert.equal(response.statusCode, 201, response.body)
        const plan = response.json()
        assert.match(plan.id, /^[0-9a-f-]{36}$/)
        assert.equal(response.headers.location, `/api/v1/plans/${plan.id}`)
        assert.equal(response.headers.etag, '"1"')
        assert.equal(plan.owner, principalId)
        assert.equal(plan.status, 'draft')
        assert.equal(plan.start_date, '2026-12-01')
        assert.equal(plan.end_date, '2026-12-31')
        assert.deepEqual(plan.tags, ['db', 'q4'])
        assert.equal(plan.version, 1)
        assert.match(plan.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
      })

      it('answers 422 naming end_date when it is before start_date', async (t) => {
        const { app } = await setup(t)

        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/plans',
          payload: planInput({ start_date: '2026-12-10', end_date: '2026-12-01' }),
        })

        const body = assertProblem(response, 422, 'VALIDATION_FAILED')
        assert.equal((body.errors as { pointer: string }[])[0]?.pointer, '/end_date')
      })

      it('rejects owner, version and timestamps in the body (no mass assignment)', async (t) => {
        const { app } = await setup(t)

        for (const field of ['owner', 'version', 'id', 'created_at']) {
          const response = await app.inject({
            method: 'POST',
            url: '/api/v1/plans',
            payload: planInput({ [field]: field === 'version' ? 9 : 'x' }),
          })

          const body = assertProblem(response, 422, 'VALIDATION_FAILED')
          assert.equal((body.errors as { pointer: string }[])[0]?.pointer, `/${field}`)
        }
      })

      it('answers 422 for impossible dates, too many tags and over-long titles, never 500', async (t) => {
        const { app } = await setup(t)

        for (const payload of [
          planInput({ start_date: '2026-02-30' }),
          planInput({ start_date: '0000-01-01' }),
          planInput({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }),
          planInput({ tags: ['Not Valid'] }),
          planInput({ title: 'x'.repeat(201) }),
          planInput({ status: 'archived' }),
          planInput({ title: 'a\u0000b' }),
          planInput({ description: 'nul \u0000 inside' }),
        ]) {
          const response = await app.inject({ method: 'POST', url: '/api/v1/plans', payload })

          assertProblem(response, 422, 'VALIDATION_FAILED')
        }
      })
    })

    describe('GET /api/v1/plans/:id', () => {
      it('returns the plan with its ETag', async (t) => {
        const { app } = await setup(t)
        const created = await createPlan(app)

        const response = await app.inject({ url: `/api/v1/plans/${created.id}` })

        assert.equal(response.statusCode, 200)
        assert.deepEqual(response.json(), created)
        assert.equal(response.headers.etag, '"1"')
      })

      it('answers 404 for unknown ids and for ids that are not UUIDs, whatever their length', async (t) => {
        const { app } = await setup(t)

        for (const id of [
          '00000000-0000-4000-8000-000000000000',
          'not-a-uuid',
          '1',
          "' or 1=1 --",
          'x'.repeat(150),
        ]) {
          const response = await app.inject({ url: `/api/v1/plans/${encodeURIComponent(id)}` })

          assertProblem(response, 404, 'PLAN_NOT_FOUND')
        }
      })
    })

    describe('PATCH /api/v1/plans/:id', () => {
      it('changes the plan when If-Match names the current version, bumping version and ETag', async (t) => {
        const { app } = await setup(t)
        const created = await createPlan(app)

        const response = await app.inject({
          method: 'PATCH',
          url: `/api/v1/plans/${created.id}`,
          headers: { 'if-match': '"1"' },
          payload: { status: 'active', tags: ['now'] },
        })

        assert.equal(response.statusCode, 200, response.body)
        assert.equal(response.json().status, 'active')
        assert.deepEqual(response.json().tags, ['now'])
        assert.equal(response.json().version, 2)
        assert.equal(response.headers.etag, '"2"')
        assert.ok(response.json().updated_at >= String(created.updated_at))
      })

      it('answers 428 without If-Match and 412 when it names an older version', async (t) => {
        const { app } = await setup(t)
        const created = await createPlan(app)
        const patch = (headers: Record<string, string>) =>
          app.inject({
            method: 'PATCH',
            url: `/api/v1/plans/${created.id}`,
            headers,
            payload: { title: 'New' },
          })

        assertProblem(await patch({}), 428, 'PLAN_PRECONDITION_REQUIRED')
        assert.equal((await patch({ 'if-match': '"1"' })).statusCode, 200)
        assertProblem(await patch({ 'if-match': '"1"' }), 412, 'PLAN_VERSION_MISMATCH')
        assertProblem(await patch({ 'if-match': 'W/"2"' }), 412, 'PLAN_VERSION_MISMATCH')
        assert.equal((await patch({ 'if-match': '*' })).statusCode, 200)
      })

      it('checks end_date against the stored start_date', async (t) => {
        const { app } = await setup(t)
        const created = await createPlan(app, { start_date: '2026-12-10' })

        const response = await app.inject({
          method: 'PATCH',
          url: `/api/v1/plans/${created.id}`,
          headers: { 'if-match': '"1"' },
          payload: { end_date: '2026-12-01' },
        })

        assertProblem(response, 422, 'VALIDATION_FAILED')
      })

      it('lets exactly one of several concurrent changes with the same ETag succeed', async (t) => {
        const { app } = await setup(t)
        const created = await createPlan(app)

        const responses = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            app.inject({
              method: 'PATCH',
              url: `/api/v1/plans/${created.id}`,
              headers: { 'if-match': '"1"' },
              payload: { title: `Writer ${i}` },
            }),
          ),
        )

        const statuses = responses.map((response) => response.statusCode).sort()
        assert.deepEqual(statuses, [200, 412, 412, 412, 412, 412, 412, 412])
        const stored = await app.inject({ url: `/api/v1/plans/${created.id}` })
        assert.equal(stored.json().version, 2)
      })

      it('answers 422 for an empty patch', async (t) => {
        const { app } = await setup(t)
        const created = await createPlan(app)

        const response = await app.inject({
          method: 'PATCH',
          url: `/api/v1/plans/${created.id}`,
          headers: { 'if-match': '"1"' },
          payload: {},
        })

        assertProblem(response, 422, 'VALIDATION_FAILED')
      })
    })

    describe('DELETE /api/v1/plans/:id', () => {
      it('deletes with 204, after which the plan is gone', async (t) => {
        const { app } = await setup(t)
        const created = await createPlan(app)

        const response = await app.inject({ method: 'DELETE', url: `/api/v1/plans/${created.id}` })
        const after = await app.inject({ url: `/api/v1/plans/${created.id}` })

        assert.equal(response.statusCode, 204)
        assertProblem(after, 404, 'PLAN_NOT_FOUND')
      })

      it('deletes only the version If-Match names', async (t) => {
        const { app } = await setup(t)
        const created = await createPlan(app)

        const stale = await app.inject({
          method: 'DELETE',
          url: `/api/v1/plans/${created.id}`,
          headers: { 'if-match': '"7"' },
        })

        assertProblem(stale, 412, 'PLAN_VERSION_MISMATCH')
        assert.equal((await app.inject({ url: `/api/v1/plans/${created.id}` })).statusCode, 200)
      })
    })

    describe('Idempotency-Key on POST', () => {
      it('returns the first result to a retry with the same key and body, without a duplicate', async (t) => {
        const { app } = await setup(t)
        const headers = { 'idempotency-key': 'order-123' }

        const first = await createPlan(app, { tags: ['a', 'b'] }, headers)
        const retry = await app.inject({
          method: 'POST',
          url: '/api/v1/plans',
          headers,
          payload: { tags: ['a', 'b'], ...planInput() },
        })
        const list = await app.inject({ url: '/api/v1/plans' })

        assert.equal(retry.statusCode, 201)
        assert.equal(retry.headers['idempotent-replayed'], 'true')
        assert.deepEqual(retry.json(), first)
        assert.equal(list.json().items.length, 1)
      })

      it('answers 422 when the same key comes with a different body', async (t) => {
        const { app } = await setup(t)
        const headers = { 'idempotency-key': 'order-124' }
        await createPlan(app, {}, headers)

        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/plans',
          headers,
          payload: planInput({ title: 'Something else' }),
        })

        assertProblem(response, 422, 'IDEMPOTENCY_KEY_REUSED')
      })

      it('creates one row for concurrent creates with one key', async (t) => {
        const { app } = await setup(t)
        const headers = { 'idempotency-key': 'burst-1' }

        const responses = await Promise.all(
          Array.from({ length: 8 }, () =>
            app.inject({ method: 'POST', url: '/api/v1/plans', headers, payload: planInput() }),
          ),
        )

        assert.ok(responses.every((response) => response.statusCode === 201))
        assert.equal(new Set(responses.map((response) => response.json<{ id: string }>().id)).size, 1)
        assert.equal((await app.inject({ url: '/api/v1/plans' })).json().items.length, 1)
      })

      it('answers 422 for a malformed key', async (t) => {
        const { app } = await setup(t)

        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/plans',
          headers: { 'idempotency-key': 'has space' },
          payload: planInput(),
        })

        assertProblem(response, 422, 'VALIDATION_FAILED')
      })
    })
  })
}
