// The plans the database picks for GET /api/v1/plans at 100 000 rows: every filter and sort the list offers
// is served by a plans_* index, never by a sequential scan of the table (docs/DATABASE-PLANS.md).
// The SQL is the repo's own: list() runs against a Kysely that records the query instead of sending it,
// and that query is explained on the seeded database, so this test cannot drift from the code.
// 100 000 rows on both backends: seeding takes 3–6 s on PostgreSQL and 5–12 s on PGlite on the 2-core
// dev machine, under the ~20 s budget that would have called for fewer rows on PGlite.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import {
  CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely'
import { createPlansRepo } from '../../../src/modules/plans/repo.ts'
import type { Plan, PlanListQuery } from '../../../src/modules/plans/schemas.ts'
import type { PlanPosition } from '../../../src/modules/plans/service.ts'
import type { AnyDatabase, Database } from '../../../src/platform/db/database.ts'
import { createTestDatabase, TEST_BACKENDS } from '../../helpers/database.ts'

const ROWS = 100_000
const OWNER = 'owner-042'

type Filters = Omit<PlanListQuery, 'limit' | 'sort'>

interface Shape {
  name: string
  /** undefined: an admin's listing, across every owner. */
  owner: string | undefined
  query: PlanListQuery
  /** Continue after the first page, with the cursor the service would have issued. */
  nextPage: boolean
}

/** A node of EXPLAIN (FORMAT JSON). */
interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}

const SORTS = ['-created_at', 'created_at', 'start_date', '-start_date'] as const
const FILTERS: Record<string, Filters> = {
  '': {},
  status: { status: 'active' },
  tag: { tag: 'ops' },
  'start_date range': { start_date_from: '2025-01-01', start_date_to: '2025-03-31' },
  q: { q: 'billing' },
  'every filter': {
    status: 'active',
    tag: 'ops',
    start_date_from: '2024-07-01',
    start_date_to: '2025-06-30',
    q: 'billing',
  },
}

/** For one scope: every sort, alone and with each filter, then continued after the first page's cursor. */
function shapesFor(scope: string, owner: string | undefined): Shape[] {
  return [
    ...Object.entries(FILTERS).flatMap(([filterName, filters]) =>
      SORTS.map((sort) => ({
        name: `${scope}, ${filterName === '' ? '' : `${filterName}, `}sort=${sort}`,
        owner,
        query: { limit: 20, sort, ...filters },
        nextPage: false,
      })),
    ),
    ...SORTS.map((sort) => ({
      name: `${scope}, sort=${sort}, after a cursor`,
      owner,
      query: { limit: 20, sort },
      nextPage: true,
    })),
  ]
}

/**
 * One set-based insert: ~200 owners (~500 plans each), 4 statuses, start dates and creation times spread
 * over 2024–2026, 0–3 neighbouring tags out of ten, titles and descriptions from a few words each. The
 * lateral row draws each plan's random values once (`i * 0` ties it to the row, so it is not computed once
 * for the whole insert).
 */
async function seedPlans(db: AnyDatabase, rows: number): Promise<void> {
  await sql`
    insert into plans (id, owner, title, description, status, start_date, end_date, tags, created_at, updated_at)
    select
      gen_random_uuid(),
      'owner-' || lpad(floor(random() * 200)::text, 3, '0'),
      (array['Ship', 'Plan', 'Migrate', 'Review', 'Audit', 'Launch', 'Rotate', 'Design'])[1 + floor(random() * 8)::int]
        || ' the '
        || (array['billing', 'search', 'signup', 'database', 'keys', 'dashboard', 'mobile app', 'reports'])[1 + floor(random() * 8)::int]
        || ' ' || i,
      case when random() < 0.3 then '' else (array[
        'Before the audit', 'Coordinate with the platform team', 'Needs a rollback plan',
        'Customers asked for this', 'Blocked on the vendor contract', 'Follow-up from the incident review'
      ])[1 + floor(random() * 6)::int] end,
      (array['draft', 'active', 'done', 'cancelled'])[1 + floor(random() * 4)::int],
      r.start_date,
      case when random() < 0.5 then r.start_date + floor(random() * 60)::int end,
      (array['ops', 'dev', 'q1', 'q2', 'q3', 'q4', 'launch', 'infra', 'design', 'legal',
             'ops', 'dev', 'q1'])[r.first_tag : r.first_tag + r.tag_count - 1],
      r.created_at,
      r.created_at
    from generate_series(1, ${rows}) as i,
      lateral (
        select
          date '2024-01-01' + floor(random() * 1096)::int + i * 0 as start_date,
          timestamptz '2024-01-01T00:00:00Z' + random() * interval '1096 days' + i * interval '0 s' as created_at,
          1 + floor(random() * 10)::int + i * 0 as first_tag,
          floor(random() * 4)::int + i * 0 as tag_count
      ) as r
  `.execute(db)
  await sql`analyze plans`.execute(db)
}

/** The SQL and parameters the repo's list() sends, captured from a Kysely whose driver runs nothing. */
async function compileList(
  owner: string | undefined,
  query: PlanListQuery,
  cursor: PlanPosition | undefined,
) {
  const sent: CompiledQuery[] = []
  const recorder = new Kysely<object>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      sent.push(event.query)
    },
  })
  await createPlansRepo(recorder).list(owner, query, cursor)
  assert.equal(sent.length, 1)
  return sent[0]!
}

/** The cursor the service issues for the next page: the sort value and id of the page's last row. */
function cursorAfterFirstPage(rows: Plan[], query: PlanListQuery): PlanPosition {
  const last = rows[query.limit - 1]!
  const value = query.sort.endsWith('start_date') ? last.start_date : last.created_at
  return { value, id: last.id }
}

function walk(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(walk)]
}

/** The top of a text plan: down to the first scan of plans (with its conditions), then the execution time. */
function topOfPlan(lines: string[]): string[] {
  const scan = lines.findIndex((line) => /(using|on) plans_\w+|Seq Scan on plans/.test(line))
  let end = scan + 1
  while (end < lines.length && !/->|^Planning|^Execution/.test(lines[end]!)) end += 1
  return [...lines.slice(0, end), ...lines.filter((line) => line.startsWith('Execution Time'))]
}

/**
 * EXPLAIN (FORMAT JSON) of the query list() sends for a shape, as the flat list of plan nodes. With `report`
 * (on PostgreSQL), also runs EXPLAIN (ANALYZE) and reports the top of that plan with its real timings: the
 * evidence docs/DATABASE-PLANS.md quotes.
 */
async function explainList(
  database: Database,
  shape: Shape,
  report: ((line: string) => void) | undefined,
): Promise<PlanNode[]> {
  const repo = createPlansRepo(database.db)
  const cursor = shape.nextPage
    ? cursorAfterFirstPage(await repo.list(shape.owner, shape.query, undefined), shape.query)
    : undefined
  const { sql: text, parameters } = await compileList(shape.owner, shape.query, cursor)
  const explained = await database.db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    CompiledQuery.raw(`explain (format json) ${text}`, [...parameters]),
  )
  if (report !== undefined) {
    const analyzed = await database.db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain (analyze, timing on) ${text}`, [...parameters]),
    )
    for (const line of topOfPlan(analyzed.rows.map((row) => row['QUERY PLAN']))) report(line)
  }
  return walk(explained.rows[0]!['QUERY PLAN'][0].Plan)
}

/** What is wrong with a plan: a sequential scan of plans, or no plans_* index at all; undefined if neither. */
function planProblem(nodes: PlanNode[]): string | undefined {
  const plan = nodes
    .map((node) => `${node['Node Type']} ${node['Index Name'] ?? node['Relation Name'] ?? ''}`.trim())
    .join(' > ')
  if (nodes.some((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'plans')) {
    return `sequential scan of plans: ${plan}`
  }
  if (!nodes.some((node) => node['Index Name']?.startsWith('plans_'))) return `no plans_* index: ${plan}`
  return undefined
}

for (const backend of TEST_BACKENDS) {
  describe(`listing plans at ${ROWS} rows on ${backend}`, () => {
    it(
      'serves every filter and sort from a plans_* index, never a sequential scan',
      { timeout: 120_000 },
      async (t) => {
        const { database } = await createTestDatabase(t, backend, { statementTimeoutMs: 60_000 })
        const started = performance.now()
        await seedPlans(database.db, ROWS)
        t.diagnostic(`seeded and analyzed ${ROWS} plans in ${Math.round(performance.now() - started)} ms`)
        const reportTo = (st: TestContext) =>
          backend === 'postgres' ? (line: string) => st.diagnostic(line) : undefined

        // An owner's own plans, and an admin's listing across owners (list() with owner undefined).
        for (const shape of [...shapesFor('owner', OWNER), ...shapesFor('admin', undefined)]) {
          await t.test(shape.name, async (st: TestContext) => {
            const nodes = await explainList(database, shape, reportTo(st))

            assert.equal(planProblem(nodes), undefined)
          })
        }
      },
    )
  })
}
