// `bulwark openapi`: the OpenAPI document as generated from the route schemas (docs enabled, no listener).
import pino from 'pino'
import { buildApp } from '../app.ts'
import { loadConfig } from '../platform/config/loader.ts'
import { createDatabase } from '../platform/db/database.ts'
import { createCloseRegistry } from '../platform/lifecycle/close-registry.ts'
import { createLifecycle } from '../platform/lifecycle/state.ts'

/** The document as written to openapi.json: stable key order, two-space indent, final newline. */
export async function generateOpenApi(version: string): Promise<string> {
  const result = loadConfig({ NODE_ENV: 'test', DOCS_ENABLED: 'true' })
  if (!result.ok) throw new Error(result.problems.join('; '))
  const logger = pino({ level: 'silent' })
  // An in-memory database that is never queried: the routes need one to be registered.
  const database = createDatabase(result.config.db, logger)
  const resources = createCloseRegistry({ log: logger })
  resources.add('database', () => database.close())
  const lifecycle = createLifecycle()
  const app = await buildApp(result.config, { logger, lifecycle, database, resources, version })
  await app.ready()
  const document = app.swagger()
  await app.close()
  await resources.closeAll()
  return `${JSON.stringify(document, null, 2)}\n`
}
