// Keyset cursors of the plan list: the sort they belong to and the last row's sort value and id, signed
// by platform/http/cursor.ts.
import { invalidCursor, type CursorCodec } from '../../platform/http/cursor.ts'
import { isUuid } from '../../platform/http/ids.ts'
import { sortKeyOf, type PlanSort } from './schemas.ts'

export interface Cursor {
  sort: PlanSort
  /** created_at (RFC 3339) or start_date (YYYY-MM-DD) of the last row of the previous page. */
  value: string
  id: string
}

/**
 * The cursor's value reaches SQL as ::timestamptz or ::date, so it must be a real instant (or day) from
 * year 1 on, spelled exactly as this API writes it: a forged "2026-02-30" is a 422, not a failed cast.
 */
const IS_VALUE_BY_KEY = {
  created_at: (value: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && isRealInstant(value),
  start_date: (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && isRealInstant(`${value}T00:00:00.000Z`),
}

function isRealInstant(text: string): boolean {
  const time = Date.parse(text)
  return !Number.isNaN(time) && !text.startsWith('0000') && new Date(time).toISOString() === text
}

export function encodeCursor(codec: CursorCodec, cursor: Cursor): string {
  return codec.encode([cursor.sort, cursor.value, cursor.id])
}

/** Decodes a cursor made for `sort`; anything else is a 422 naming the cursor parameter. */
export function decodeCursor(codec: CursorCodec, text: string, sort: PlanSort): Cursor {
  const parsed = codec.decode(text)
  if (parsed.length !== 3) throw invalidCursor('is not a cursor this API issued')
  const [cursorSort, value, id] = parsed
  if (cursorSort !== sort) throw invalidCursor('belongs to another sort order; start again without a cursor')
  // Signed cursors are ours, but the shape is still checked: a bug must not reach the SQL casts.
  const key = sortKeyOf(sort)
  if (typeof value !== 'string' || !IS_VALUE_BY_KEY[key](value) || typeof id !== 'string' || !isUuid(id)) {
    throw invalidCursor('is not a cursor this API issued')
  }
  return { sort, value, id }
}
