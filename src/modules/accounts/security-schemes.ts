// The credentials accounts issue, as OpenAPI security schemes for the document (app.ts hands them to docs).
import type { SecuritySchemes } from '../../platform/docs/plugin.ts'
import { API_KEY_PREFIX } from './api-keys/key-format.ts'
import { COOKIES } from './sessions/cookies.ts'

const API_KEY_FORMAT = `${API_KEY_PREFIX}<id>_<secret>`

export const ACCOUNTS_SECURITY_SCHEMES: SecuritySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description: `An access token from POST /api/v1/auth/login (a JWT, 15 minutes), or an API key ${API_KEY_FORMAT}.`,
  },
  apiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: `An API key ${API_KEY_FORMAT}.`,
  },
  cookieAuth: {
    type: 'apiKey',
    in: 'cookie',
    name: COOKIES.access,
    description: 'Browser mode (AUTH_COOKIES=true): unsafe methods also need X-CSRF-Token.',
  },
}
