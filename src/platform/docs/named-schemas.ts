// Schemas that carry a `title` (Plan, ApiKey, TokenPair, ...) become named components of the OpenAPI
// document, and every use of one becomes a $ref: client generators then emit one named type per schema
// instead of anonymous duplicates. Two different schemas under one title are a bug, reported at once.
import type { OpenAPIV3_1 } from 'openapi-types'

const NAME = /^[A-Z][A-Za-z0-9]*$/

export function hoistNamedSchemas(document: OpenAPIV3_1.Document): OpenAPIV3_1.Document {
  const components: Record<string, unknown> = { ...document.components?.schemas }
  const seen = new Map<string, string>()
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit)
    if (node === null || typeof node !== 'object') return node
    const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, visit(value)]))
    const title = copy.title
    if (typeof title !== 'string' || !NAME.test(title) || !('type' in copy)) return copy
    const json = JSON.stringify(copy)
    const earlier = seen.get(title)
    if (earlier !== undefined && earlier !== json)
      throw new Error(`two different schemas are titled ${title}`)
    seen.set(title, json)
    components[title] = copy
    return { $ref: `#/components/schemas/${title}` }
  }
  const paths = visit(document.paths) as OpenAPIV3_1.PathsObject
  const sorted = Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)))
  return {
    ...document,
    paths,
    components: { ...document.components, schemas: sorted as Record<string, OpenAPIV3_1.SchemaObject> },
  }
}
