// Issue 8: pagination cursors are signed with SECRET_KEY; a forged but well-formed cursor is refused.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createCursorCodec } from '../../../src/platform/http/cursor.ts'
import { AppError } from '../../../src/platform/errors/app-error.ts'
import { buildTestApp } from '../../helpers/build-app.ts'
import { assertProblem } from '../../helpers/problem.ts'

const SECRET = 'a'.repeat(48)
const ID = '0190a7e4-0000-7000-8000-000000000000'

/** What an unsigned cursor of the old format looked like: the right shape, made up by the client. */
function unsigned(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

function isInvalidCursor(error: unknown): boolean {
  return error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.status === 422
}

describe('createCursorCodec', () => {
  it('decodes the cursors it encodes', () => {
    const codec = createCursorCodec(SECRET, 'plans')

    const values = codec.decode(codec.encode(['-created_at', '2026-01-01T00:00:00.000Z', ID]))

    assert.deepEqual(values, ['-created_at', '2026-01-01T00:00:00.000Z', ID])
  })

  it('refuses a cursor of another list, of another secret, a changed payload or no signature', () => {
    const codec = createCursorCodec(SECRET, 'plans')
    const genuine = codec.encode(['x', ID])
    const [, mac] = genuine.split('.')

    for (const forged of [
      createCursorCodec(SECRET, 'api-keys').encode(['x', ID]),
      createCursorCodec('b'.repeat(48), 'plans').encode(['x', ID]),
      `${unsigned(['y', ID])}.${mac}`,
      unsigned(['x', ID]),
      `${genuine}.x`,
      '',
    ]) {
      assert.throws(() => codec.decode(forged), isInvalidCursor, forged)
    }
  })
})

describe('paged lists with a forged cursor', () => {
  it('answers 422 for a well-formed plans cursor the server did not sign', async (t) => {
    const { app } = await buildTestApp(t)

    const response = await app.inject({
      url: `/api/v1/plans?cursor=${unsigned(['-created_at', '2999-01-01T00:00:00.000Z', ID])}`,
    })

    assertProblem(response, 422, 'VALIDATION_FAILED')
  })

  it('answers 422 for a well-formed API key cursor the server did not sign', async (t) => {
    const { app } = await buildTestApp(t)
    const admin = await app.accounts.apiKeys.create('cli', { name: 'admin', scopes: ['admin'] })

    const response = await app.inject({
      url: `/api/v1/api-keys?cursor=${unsigned(['2999-01-01T00:00:00.000Z', ID])}`,
      headers: { authorization: `Bearer ${admin.key}` },
    })

    assertProblem(response, 422, 'VALIDATION_FAILED')
  })

  it('answers 422 for a cursor signed before SECRET_KEY was rotated', async (t) => {
    const before = createCursorCodec('c'.repeat(48), 'plans')
    const { app } = await buildTestApp(t, { SECRET_KEY: 'd'.repeat(48) })

    const response = await app.inject({
      url: `/api/v1/plans?cursor=${before.encode(['-created_at', '2999-01-01T00:00:00.000Z', ID])}`,
    })

    assertProblem(response, 422, 'VALIDATION_FAILED')
  })
})
