// The plans queries of the two comparison servers: the SQL text Bulwark's repo (Kysely) sends, on a
// pg.Pool of Bulwark's default size, with the same row → JSON mapping. Only what the two scenarios need.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { PLAN_OWNER } from '../plans.ts'

export interface PlanInput {
  title: string
  description?: string
  status?: string
  start_date: string
  end_date?: string | null
  tags?: string[]
}

interface PlanRow {
  id: string
  owner: string
  title: string
  description: string
  status: string
  start_date: string
  end_date: string | null
  tags: string[]
  version: number
  created_at: Date
  updated_at: Date
}

export type PlanBody = Omit<PlanRow, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string }

const COLUMNS =
  '"id", "owner", "title", "description", "status", "start_date", "end_date", "tags", "version", "created_at", "updated_at"'
// Byte for byte what Kysely compiles for createPlansRepo's findById and insert (src/modules/plans/repo.ts).
const SELECT_BY_ID = `select ${COLUMNS} from "plans" where "id" = $1`
const INSERT = `insert into "plans" ("id", "owner", "title", "description", "status", "start_date", "end_date", "tags") values ($1, $2, $3, $4, $5, $6, $7, $8::text[]) returning ${COLUMNS}`

const DATE_OID = 1082
/** Bulwark's DB_POOL_MAX default. */
const POOL_MAX = 10

function toBody(row: PlanRow): PlanBody {
  return { ...row, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() }
}

export function createPlansSql(databaseUrl: string) {
  // Calendar dates stay 'YYYY-MM-DD' strings, as in src/platform/db/database.ts.
  const types = new pg.TypeOverrides()
  types.setTypeParser(DATE_OID, (value: string) => value)
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_MAX, types })
  // An idle client losing its connection emits here; unhandled, it would end the server.
  pool.on('error', (error) => console.error(`idle database connection failed: ${error.message}`))

  return {
    async findPlan(id: string): Promise<PlanBody | undefined> {
      const { rows } = await pool.query<PlanRow>(SELECT_BY_ID, [id])
      return rows[0] === undefined ? undefined : toBody(rows[0])
    },

    async insertPlan(input: PlanInput): Promise<PlanBody> {
      const values = [
        randomUUID(),
        PLAN_OWNER,
        input.title,
        input.description ?? '',
        input.status ?? 'draft',
        input.start_date,
        input.end_date ?? null,
        input.tags ?? [],
      ]
      const { rows } = await pool.query<PlanRow>(INSERT, values)
      if (rows[0] === undefined) throw new Error('insert returned no row')
      return toBody(rows[0])
    },

    close: () => pool.end(),
  }
}
