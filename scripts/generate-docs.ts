// Writes the generated documents: openapi.json, docs/ERRORS.md and the client types generated from
// openapi.json (`npm run openapi`; tests check all three).
import { readFileSync, writeFileSync } from 'node:fs'
import { generateOpenApi } from '../src/cli/openapi.ts'
import { renderErrorsDoc } from '../src/cli/errors-doc.ts'
import { OPENAPI_TYPES_PATH, renderOpenApiTypes } from './openapi-types.ts'

const root = new URL('../', import.meta.url)
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string }
const document = await generateOpenApi(version)
writeFileSync(new URL('openapi.json', root), document)
writeFileSync(new URL('docs/ERRORS.md', root), renderErrorsDoc())
writeFileSync(new URL(OPENAPI_TYPES_PATH, root), await renderOpenApiTypes(document))
