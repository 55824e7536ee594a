// Keyset pagination: a page is read with limit + 1 rows (the extra one only says a next page exists), and
// its next_cursor is the last row's position in the list's order, signed by platform/http/cursor.ts.
import { invalidCursor, type CursorCodec } from '../http/cursor.ts'
import { isUuid } from '../http/ids.ts'

/** The kind of one key of a position; each is checked on decode because the value reaches SQL casts. */
export type KeyKind = 'timestamp' | 'date' | 'uuid'

/** One key's value as the cursor carries it, by kind. */
type Position<K extends readonly KeyKind[]> = { [I in keyof K]: string }

export interface KeysetOptions<Row, K extends readonly KeyKind[]> {
  /** Signs and checks this list's cursors (createCursorCodec(SECRET_KEY, list)). */
  codec: CursorCodec
  /** The order the cursor belongs to (e.g. a sort name), carried first; a cursor of another is refused. */
  order?: string
  /** The kind of each key of the position, e.g. ['timestamp', 'uuid'] for (created_at, id). */
  keys: K
  /** The position of a row, spelled as the kinds require (toISOString() for a timestamp). */
  positionOf: (row: Row) => Position<K>
}

/** A page of a list: at most `limit` items, and the cursor of the next page or null on the last. */
export interface KeysetPage<Row> {
  items: Row[]
  next_cursor: string | null
}

export interface Keyset<Row, K extends readonly KeyKind[]> {
  /** The position a cursor names; anything else throws the 422 of `invalidCursor`. */
  decode(text: string): Position<K>
  /** The page of rows read with `limit + 1`, with the cursor after its last row when more follow. */
  page(rows: readonly Row[], limit: number): KeysetPage<Row>
}

const NOT_OURS = 'is not a cursor this API issued'

/**
 * The keyset pagination of one list order: `createKeyset({ codec, keys: ['timestamp', 'uuid'],
 * positionOf: (row) => [row.created_at.toISOString(), row.id] })`.
 */
export function createKeyset<Row, const K extends readonly KeyKind[]>(
  options: KeysetOptions<Row, K>,
): Keyset<Row, K> {
  const { codec, order, keys, positionOf } = options
  const prefix = order === undefined ? 0 : 1
  return {
    decode(text) {
      const values = codec.decode(text)
      if (values.length !== prefix + keys.length) throw invalidCursor(NOT_OURS)
      if (order !== undefined && values[0] !== order) {
        throw invalidCursor('belongs to another sort order; start again without a cursor')
      }
      const position = values.slice(prefix)
      // Signed cursors are ours, but the shape is still checked: a bug must not reach the SQL casts.
      if (!keys.every((kind, index) => isKeyOfKind(position[index], kind))) throw invalidCursor(NOT_OURS)
      return position as Position<K>
    },
    page(rows, limit) {
      const items = rows.slice(0, limit)
      const last = items.at(-1)
      if (rows.length <= limit || last === undefined) return { items, next_cursor: null }
      const position: readonly string[] = positionOf(last)
      return { items, next_cursor: codec.encode(order === undefined ? position : [order, ...position]) }
    },
  }
}

/**
 * Whether a decoded value is a key of its kind, spelled exactly as this API writes it: a timestamp or
 * date must be a real one from year 1 on (a forged "2026-02-30" is a 422, not a failed cast).
 */
export function isKeyOfKind(value: unknown, kind: KeyKind): value is string {
  if (typeof value !== 'string') return false
  if (kind === 'uuid') return isUuid(value)
  if (kind === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(value) && isRealInstant(`${value}T00:00:00.000Z`)
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && isRealInstant(value)
}

function isRealInstant(text: string): boolean {
  const time = Date.parse(text)
  return !Number.isNaN(time) && !text.startsWith('0000') && new Date(time).toISOString() === text
}
