// A typed client generated from openapi.json (issue 9): test/fixtures/typed-client.ts, written against the
// openapi-typescript types with openapi-fetch, compiles with the project's compiler settings and walks the
// Plans and Math APIs on the real server, on both backends.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { TEST_BACKENDS, emptyDatabase } from '../helpers/database.ts'
import { startServer } from '../helpers/server-process.ts'
import { runJourney } from '../fixtures/typed-client.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const CLIENT = join(root, 'test/fixtures/typed-client.ts')

describe('a typed client generated from openapi.json', { timeout: 120_000 }, () => {
  it('compiles with tsc against the generated types', (t) => {
    // Only the client and what it imports, with the project's compiler options.
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-typed-client-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const tsconfig = join(dir, 'tsconfig.json')
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { typeRoots: [join(root, 'node_modules/@types')] },
        files: [CLIENT],
        include: [],
      }),
    )
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], {
      encoding: 'utf8',
      timeout: 60_000,
    })

    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr)
  })

  for (const backend of TEST_BACKENDS) {
    it(`creates, reads, updates with If-Match, lists and deletes a plan, and evaluates, on ${backend}`, async (t) => {
      const env: Record<string, string> =
        backend === 'postgres'
          ? { DATABASE_URL: await emptyDatabase(t), DB_SSL: 'disable', MIGRATE_ON_START: 'true' }
          : {}
      const server = await startServer(t, env)
      const key = await server.adminKey()

      const journey = await runJourney(server.baseUrl, key, `typed-${backend}`)

      const { created, read, updated, stale, listed, deleted, gone, evaluated, refused } = journey
      assert.equal(created.status, 201)
      assert.equal(created.location, `/api/v1/plans/${created.plan.id}`)
      assert.deepEqual(created.plan.tags, [`typed-${backend}`])
      assert.equal(read.status, 200)
      assert.deepEqual(read.plan, created.plan)
      assert.equal(updated.status, 200)
      assert.equal(updated.plan.status, 'active')
      assert.equal(updated.plan.end_date, '2026-12-31')
      assert.equal(updated.plan.version, created.plan.version + 1)
      assert.notEqual(updated.etag, created.etag)
      assert.equal(stale.status, 412)
      assert.equal(stale.problem.error_code, 'PLAN_VERSION_MISMATCH')
      assert.equal(listed.status, 200)
      assert.deepEqual(listed.ids, [created.plan.id])
      assert.equal(listed.nextCursor, null)
      assert.equal(deleted.status, 204)
      assert.equal(gone.status, 404)
      assert.equal(gone.problem.error_code, 'PLAN_NOT_FOUND')
      assert.equal(evaluated.status, 200)
      assert.equal(evaluated.result, 14)
      assert.equal(evaluated.type, 'number')
      assert.equal(refused.status, 422)
      assert.equal(refused.problem.error_code, 'EXPRESSION_FORBIDDEN')
    })
  }
})
