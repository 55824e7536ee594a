import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkConnectionBudget } from '../../../src/platform/db/budget.ts'
import { isDatabaseOutage, translateDatabaseError } from '../../../src/platform/db/errors.ts'
import { DeadlineExceededError } from '../../../src/platform/context/deadline-scope.ts'
import { platformErrors } from '../../../src/platform/errors/catalog.ts'

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code })

describe('translateDatabaseError', () => {
  it('turns unreachable-database errors into 503 DATABASE_UNAVAILABLE with Retry-After', () => {
    const errors = [
      withCode('ECONNREFUSED'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('53300', 'too many connections'),
      withCode('08006', 'connection failure'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
      new AggregateError([withCode('ECONNREFUSED')], 'connect failed'),
    ]
    for (const error of errors) {
      const translated = translateDatabaseError(error)

      assert.equal(translated?.code, 'DATABASE_UNAVAILABLE', error.message)
      assert.equal(translated.status, 503)
      assert.equal(translated.headers?.['retry-after'], '2')
      // For AggregateError (pg connecting to several addresses) the cause is the first attempt's error.
      assert.equal(translated.cause, error instanceof AggregateError ? error.errors[0] : error)
    }
  })

  it('turns a cancelled statement into 503 DATABASE_TIMEOUT', () => {
    assert.equal(translateDatabaseError(withCode('57014', 'canceling statement'))?.code, 'DATABASE_TIMEOUT')
    assert.equal(translateDatabaseError(new Error('Query read timeout'))?.code, 'DATABASE_TIMEOUT')
  })

  it('leaves everything else alone', () => {
    assert.equal(translateDatabaseError(withCode('23505', 'duplicate key')), undefined)
    assert.equal(translateDatabaseError(new TypeError('bug')), undefined)
    assert.equal(translateDatabaseError('text'), undefined)
    assert.equal(translateDatabaseError(platformErrors.NOT_FOUND()), undefined)
  })
})

describe('isDatabaseOutage (what the circuit breaker counts)', () => {
  it('counts the database being unreachable, out of connections or too slow', () => {
    const outages = [
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('53300', 'too many connections'),
      withCode('08006', 'connection failure'),
      withCode('57014', 'canceling statement due to statement timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
      new Error('Query read timeout'),
      new DeadlineExceededError(),
    ]
    for (const error of outages) assert.equal(isDatabaseOutage(error), true, error.message)
  })

  it('never counts what a statement was refused for: the database answered', () => {
    const answers = [
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('23503', 'violates foreign key constraint'),
      withCode('22P02', 'invalid input syntax'),
      withCode('22021', 'invalid byte sequence'),
      withCode('40001', 'could not serialize access'),
      withCode('42P01', 'relation "plans" does not exist'),
      platformErrors.NOT_FOUND(),
      new TypeError('bug'),
    ]
    for (const error of answers) assert.equal(isDatabaseOutage(error), false, error.message)
  })
})

describe('checkConnectionBudget', () => {
  it('accepts pools that fit max_connections minus the reserve', () => {
    assert.equal(
      checkConnectionBudget({
        poolMax: 10,
        workers: 3,
        expectedInstances: 3,
        maxConnections: 100,
        reservedConnections: 3,
      }),
      undefined,
    )
  })

  it('explains a budget that does not fit', () => {
    const problem = checkConnectionBudget({
      poolMax: 20,
      workers: 2,
      expectedInstances: 3,
      maxConnections: 100,
      reservedConnections: 3,
    })

    assert.match(
      problem ?? '',
      /× WORKERS \(2\) × EXPECTED_INSTANCES \(3\) = 120 connections, but PostgreSQL allows 97/,
    )
  })
})
