// Keyset pagination without a database: pages from limit + 1 rows, signed positions checked by kind.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createKeyset, isKeyOfKind } from '../../../src/platform/db/keyset.ts'
import { AppError } from '../../../src/platform/errors/app-error.ts'
import { createCursorCodec } from '../../../src/platform/http/cursor.ts'

const codec = createCursorCodec('a'.repeat(48), 'keyset-test')
const ID_1 = '0190a7e4-0000-7000-8000-000000000001'
const ID_2 = '0190a7e4-0000-7000-8000-000000000002'
const ID_3 = '0190a7e4-0000-7000-8000-000000000003'

interface Row {
  id: string
  created_at: Date
}

const rows: Row[] = [ID_1, ID_2, ID_3].map((id, index) => ({
  id,
  created_at: new Date(Date.UTC(2026, 0, 3 - index)),
}))

/** The api-keys order: created_at desc, id, with no order tag. */
const byCreatedAt = createKeyset({
  codec,
  keys: ['timestamp', 'uuid'],
  positionOf: (row: Row) => [row.created_at.toISOString(), row.id],
})

function invalidCursorMessage(error: unknown): string | undefined {
  if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') return undefined
  return error.errors?.[0]?.message
}

describe('createKeyset', () => {
  it('gives the first limit rows and a cursor naming the last one when a row more was read', () => {
    const page = byCreatedAt.page(rows, 2)

    assert.deepEqual(page.items, rows.slice(0, 2))
    assert.notEqual(page.next_cursor, null)
    assert.deepEqual(byCreatedAt.decode(page.next_cursor ?? ''), ['2026-01-02T00:00:00.000Z', ID_2])
  })

  it('ends the list with a null cursor when no row more was read', () => {
    assert.deepEqual(byCreatedAt.page(rows, 3), { items: rows, next_cursor: null })
    assert.deepEqual(byCreatedAt.page([], 3), { items: [], next_cursor: null })
  })

  it('carries the order first and refuses a cursor of another order', () => {
    const ascending = createKeyset({
      codec,
      order: 'created_at',
      keys: ['timestamp', 'uuid'] as const,
      positionOf,
    })
    const descending = createKeyset({
      codec,
      order: '-created_at',
      keys: ['timestamp', 'uuid'] as const,
      positionOf,
    })
    const cursor = ascending.page(rows, 1).next_cursor ?? ''

    assert.deepEqual(codec.decode(cursor), ['created_at', '2026-01-03T00:00:00.000Z', ID_1])
    assert.throws(
      () => descending.decode(cursor),
      (error) =>
        invalidCursorMessage(error) === 'belongs to another sort order; start again without a cursor',
    )

    function positionOf(row: Row): [string, string] {
      return [row.created_at.toISOString(), row.id]
    }
  })

  it('refuses a signed cursor whose values are not a position of this list', () => {
    for (const values of [
      ['2026-01-02T00:00:00.000Z'],
      ['2026-01-02T00:00:00.000Z', ID_2, 'extra'],
      ['2026-01-02', ID_2],
      ['2026-01-02T00:00:00.000Z', 'not-a-uuid'],
      [1767312000000, ID_2],
    ]) {
      assert.throws(
        () => byCreatedAt.decode(codec.encode(values)),
        (error) => invalidCursorMessage(error) === 'is not a cursor this API issued',
        JSON.stringify(values),
      )
    }
  })
})

describe('isKeyOfKind', () => {
  it('accepts keys spelled as the API writes them', () => {
    assert.equal(isKeyOfKind('2026-02-28T23:59:59.999Z', 'timestamp'), true)
    assert.equal(isKeyOfKind('2026-02-28', 'date'), true)
    assert.equal(isKeyOfKind(ID_1.toUpperCase(), 'uuid'), true)
  })

  it('refuses impossible dates, year 0, other spellings and non-strings (issue 8)', () => {
    assert.equal(isKeyOfKind('2026-02-30', 'date'), false)
    assert.equal(isKeyOfKind('0000-01-01', 'date'), false)
    assert.equal(isKeyOfKind('2026-02-30T00:00:00.000Z', 'timestamp'), false)
    assert.equal(isKeyOfKind('2026-02-28T00:00:00Z', 'timestamp'), false)
    assert.equal(isKeyOfKind('2026-02-28', 'timestamp'), false)
    assert.equal(isKeyOfKind(42, 'uuid'), false)
  })
})
