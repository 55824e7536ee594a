// Writes the generated documents: openapi.json and docs/ERRORS.md (`npm run openapi`; tests check both).
import { readFileSync, writeFileSync } from 'node:fs'
import { generateOpenApi } from '../src/cli/openapi.ts'
import { renderErrorsDoc } from '../src/cli/errors-doc.ts'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
}
writeFileSync(new URL('../openapi.json', import.meta.url), await generateOpenApi(version))
writeFileSync(new URL('../docs/ERRORS.md', import.meta.url), renderErrorsDoc())
