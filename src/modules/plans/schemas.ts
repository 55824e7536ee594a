// Shapes of the Plans API: one name per shape that crosses a boundary.
import { Type, type Static } from 'typebox'
import { Nullable } from '../../platform/http/nullable.ts'

const STATUSES = ['draft', 'active', 'done', 'cancelled'] as const
export type PlanStatus = (typeof STATUSES)[number]
const StatusSchema = Type.Enum([...STATUSES])

// ajv-formats checks the calendar (no 2026-02-30); the pattern keeps years where PostgreSQL accepts them.
const CalendarDate = (description: string) =>
  Type.String({ format: 'date', pattern: '^[1-9][0-9]{3}-', description, examples: ['2026-12-01'] })
const Tag = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9][a-z0-9_-]*$' })
const Tags = Type.Array(Tag, { maxItems: 20, uniqueItems: true, examples: [['launch', 'q4']] })
// PostgreSQL text cannot hold NUL (U+0000): refused as invalid input rather than failing in the database.
const NO_NUL = '^[^\\u0000]*$'
const Title = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: NO_NUL,
  examples: ['Ship the data layer'],
})
const Description = Type.String({ maxLength: 10_000, pattern: NO_NUL })

export const PlanSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    owner: Type.String(),
    title: Type.String(),
    description: Type.String(),
    status: StatusSchema,
    start_date: Type.String({ format: 'date' }),
    end_date: Nullable(Type.String({ format: 'date' })),
    tags: Type.Array(Type.String()),
    version: Type.Integer({ minimum: 1 }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { title: 'Plan', additionalProperties: false },
)
export type Plan = Static<typeof PlanSchema>

export const PlanCreateSchema = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    status: Type.Optional(StatusSchema),
    start_date: CalendarDate('First day of the plan'),
    end_date: Type.Optional(Type.Union([CalendarDate('Last day; not before start_date'), Type.Null()])),
    tags: Type.Optional(Tags),
  },
  { title: 'PlanCreate', additionalProperties: false },
)
export type PlanCreate = Static<typeof PlanCreateSchema>

export const PlanPatchSchema = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    status: Type.Optional(StatusSchema),
    start_date: Type.Optional(CalendarDate('First day of the plan')),
    end_date: Type.Optional(Type.Union([CalendarDate('Last day; null clears it'), Type.Null()])),
    tags: Type.Optional(Tags),
  },
  { title: 'PlanPatch', additionalProperties: false, minProperties: 1 },
)
export type PlanPatch = Static<typeof PlanPatchSchema>

export const PLAN_SORTS = ['-created_at', 'created_at', 'start_date', '-start_date'] as const
export type PlanSort = (typeof PLAN_SORTS)[number]

/** The column a sort orders by (a leading - only flips the direction). */
export function sortKeyOf(sort: PlanSort): 'created_at' | 'start_date' {
  return sort.endsWith('start_date') ? 'start_date' : 'created_at'
}

export const PlanListQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 512, description: 'next_cursor of the previous page' }),
    ),
    status: Type.Optional(StatusSchema),
    tag: Type.Optional(Tag),
    start_date_from: Type.Optional(CalendarDate('Only plans starting on or after this day')),
    start_date_to: Type.Optional(CalendarDate('Only plans starting on or before this day')),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: NO_NUL,
        description: 'Full-text search in title and description',
      }),
    ),
    sort: Type.Enum([...PLAN_SORTS], {
      default: '-created_at',
      description: 'A leading - sorts newest/latest first',
    }),
  },
  { additionalProperties: false },
)
export type PlanListQuery = Static<typeof PlanListQuerySchema>

export const PlanPageSchema = Type.Object(
  { items: Type.Array(PlanSchema), next_cursor: Nullable(Type.String()) },
  { title: 'PlanPage', additionalProperties: false },
)
export type PlanPage = Static<typeof PlanPageSchema>

// No format here: an id that is not a UUID names a plan that does not exist (404), not invalid input (422).
export const PlanIdParamsSchema = Type.Object({ id: Type.String() }, { additionalProperties: false })

export const IfMatchHeadersSchema = Type.Object({
  'if-match': Type.Optional(
    Type.String({ maxLength: 200, description: 'ETag of the version the change is based on' }),
  ),
})

export const IdempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'Makes a retried create return the first result instead of creating a duplicate',
    }),
  ),
})
