import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeDatabaseFailure } from '../../../src/platform/db/connection-failure.ts'
import { testConfig } from '../../helpers/build-app.ts'

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code })

const postgres = testConfig({ DATABASE_URL: 'postgres://app:secret@db.internal:6432/orders' }).db

describe('describeDatabaseFailure', () => {
  it('names host, port and database of PostgreSQL with a stable reason, never the password', () => {
    const problem = describeDatabaseFailure(withCode('ECONNREFUSED'), postgres)

    assert.equal(problem.reason, 'refused')
    assert.deepEqual(problem.where, { host: 'db.internal', port: 6432, database: 'orders' })
    assert.equal(
      problem.message,
      'nothing accepts connections at db.internal:6432: is PostgreSQL running there?',
    )
    assert.doesNotMatch(JSON.stringify(problem), /secret/)
  })

  it('says how to fix a database that does not exist or a role that is refused', () => {
    const missing = describeDatabaseFailure(withCode('3D000'), postgres)
    const refused = describeDatabaseFailure(withCode('28P01'), postgres)

    assert.equal(missing.reason, 'unknown_database')
    assert.match(missing.message, /createdb orders/)
    assert.equal(refused.reason, 'auth_failed')
    assert.match(refused.message, /password of role "app"/)
  })

  it('tells a timeout and an unknown failure apart', () => {
    const timeout = describeDatabaseFailure(new Error('timeout exceeded when trying to connect'), postgres)
    const other = describeDatabaseFailure(new Error('something else'), postgres)

    assert.equal(timeout.reason, 'timeout')
    assert.match(timeout.message, /DB_CONNECT_TIMEOUT_MS/)
    assert.deepEqual(
      [other.reason, other.message],
      ['failed', 'database at db.internal:6432 failed: something else'],
    )
  })

  it('defaults the port to 5432 and the database to the role name, as libpq does', () => {
    const config = testConfig({ DATABASE_URL: 'postgres://app@db.internal' }).db

    const problem = describeDatabaseFailure(withCode('ECONNREFUSED'), config)

    assert.deepEqual(problem.where, { host: 'db.internal', port: 5432, database: 'app' })
  })

  it('names DATA_DIR for the embedded database', () => {
    const embedded = testConfig({ DATA_DIR: '/var/lib/bulwark' }).db

    const problem = describeDatabaseFailure(new Error('disk full'), embedded)

    assert.deepEqual(problem, {
      reason: 'embedded',
      message: 'embedded database failed: disk full',
      where: { data_dir: '/var/lib/bulwark' },
    })
  })
})
