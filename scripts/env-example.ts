// Writes .env.example from the configuration schema (`npm run env:example`).
import { writeFileSync } from 'node:fs'
import { renderEnvExample } from '../src/platform/config/env-example.ts'

writeFileSync(new URL('../.env.example', import.meta.url), renderEnvExample())
