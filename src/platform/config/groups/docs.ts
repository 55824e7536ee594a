// The OpenAPI document and docs UI: whether they are served, and to whom.
import { defineGroup } from '../group.ts'
import { perEnv } from '../variable.ts'

export interface DocsConfig {
  enabled: boolean
  public: boolean
}

export const docsGroup = defineGroup({
  section: 'docs',
  prefixes: ['DOCS_'],
  variables: {
    DOCS_ENABLED: {
      type: 'boolean',
      default: perEnv('true', 'false', 'true'),
      doc: 'Serve the OpenAPI document at /openapi.json and the docs UI at /docs. Refused in production when DOCS_PUBLIC is true.',
    },
    DOCS_PUBLIC: {
      type: 'boolean',
      default: perEnv('true', 'false', 'true'),
      doc: 'Serve the docs without credentials (when DOCS_ENABLED). Otherwise they need an API key or token like every other route.',
    },
  },
  build: (values): DocsConfig => ({ enabled: values.DOCS_ENABLED, public: values.DOCS_PUBLIC }),
  productionChecks(config) {
    // Docs behind the authentication gate (DOCS_PUBLIC=false, production's default) reveal nothing to strangers.
    if (!config.docs.enabled || !config.docs.public) return []
    return [
      'DOCS_ENABLED: with DOCS_PUBLIC=true the API docs would be public; set DOCS_PUBLIC=false to keep them behind authentication, or publish openapi.json instead',
    ]
  },
})
