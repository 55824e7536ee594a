// The PostgreSQL database Bulwark needs to start in production (DATABASE_URL is required there), made
// fresh for each run and dropped after it. The benchmarked routes never query it.
import pg from 'pg'

/** Server the benchmark creates its database on: the local one, trust auth on dev machines, as for tests. */
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/** One fixed name: an interrupted run leaves at most this database behind, and the next run replaces it. */
const DATABASE_NAME = 'bulwark_bench'

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

/** Creates an empty database and returns its URL; Bulwark migrates it at start. */
export async function createBenchDatabase(): Promise<string> {
  await dropBenchDatabase()
  await adminQuery(`create database ${DATABASE_NAME}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${DATABASE_NAME}`
  return url.toString()
}

export async function dropBenchDatabase(): Promise<void> {
  await adminQuery(`drop database if exists ${DATABASE_NAME} with (force)`)
}
