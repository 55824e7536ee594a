// DB_SLOW_QUERY_MS: a statement slower than the threshold is one warning with its SQL shape, on every backend.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { sql } from 'kysely'
import { DeadlineScope, runInDeadlineScope } from '../../../src/platform/context/deadline-scope.ts'
import type { DatabaseConfig } from '../../../src/platform/config/config.ts'
import { createDatabase } from '../../../src/platform/db/database.ts'
import { testConfig } from '../../helpers/build-app.ts'
import { ADMIN_URL, TEST_BACKENDS, type TestBackend } from '../../helpers/database.ts'

function openDatabase(t: TestContext, backend: TestBackend, slowQueryMs: number) {
  const warnings: { details: Record<string, unknown>; message: string }[] = []
  const base = testConfig().db
  const config: DatabaseConfig =
    backend === 'pglite'
      ? { ...base, url: undefined, dataDir: 'memory://', slowQueryMs }
      : { ...base, url: ADMIN_URL, ssl: 'disable', slowQueryMs }
  const database = createDatabase(config, {
    warn: (details, message) => warnings.push({ details: details as Record<string, unknown>, message }),
  })
  t.after(() => database.close())
  return { database, warnings }
}

for (const backend of TEST_BACKENDS) {
  describe(`slow queries on ${backend}`, () => {
    it('warns with the SQL text and its placeholders, the duration and the request id, never the parameters', async (t) => {
      const { database, warnings } = openDatabase(t, backend, 20)

      await runInDeadlineScope(new DeadlineScope('request-7'), () =>
        sql`select pg_sleep(${0.05}), ${'s3cr3t-parameter'}::text as secret`.execute(database.db),
      )

      const slow = warnings.filter((warning) => warning.message === 'slow query')
      assert.equal(slow.length, 1)
      const { details } = slow[0]!
      assert.equal(details.sql, 'select pg_sleep($1), $2::text as secret')
      assert.ok((details.duration_ms as number) >= 45, `duration ${String(details.duration_ms)}`)
      assert.equal(details.request_id, 'request-7')
      assert.ok(!JSON.stringify(warnings).includes('s3cr3t'))
    })

    it('says nothing of a statement under the threshold, nor of any with DB_SLOW_QUERY_MS=0', async (t) => {
      const fast = openDatabase(t, backend, 5000)
      const off = openDatabase(t, backend, 0)

      await sql`select pg_sleep(0.03)`.execute(fast.database.db)
      await sql`select pg_sleep(0.03)`.execute(off.database.db)

      assert.deepEqual(
        [...fast.warnings, ...off.warnings].filter((w) => w.message === 'slow query'),
        [],
      )
    })
  })
}
