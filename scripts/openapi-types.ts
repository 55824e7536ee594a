// The TypeScript types of the API, generated from openapi.json by openapi-typescript: what a typed client
// (openapi-fetch) is built on. `npm run openapi` writes them to clients/typescript/; a test checks they are
// current and compiles and runs a client on them against the real server.
import openapiTS, { astToString } from 'openapi-typescript'

export const OPENAPI_TYPES_PATH = 'clients/typescript/bulwark-api.d.ts'

export async function renderOpenApiTypes(document: string): Promise<string> {
  const ast = await openapiTS(document, { alphabetize: false, exportType: false })
  const header = '// Generated from openapi.json by `npm run openapi` (openapi-typescript). Do not edit.\n\n'
  return header + astToString(ast)
}
