// openapi.json as client generators and API linters see it (issue 9): Redocly's `recommended` rules and
// Spectral's `spectral:oas` ruleset, run from the pinned dev dependencies, find no error and no warning
// beyond the few rules turned off below, each with its reason.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { createConfig, lint } from '@redocly/openapi-core'
import spectralCore from '@stoplight/spectral-core'
import spectralParsers from '@stoplight/spectral-parsers'
import spectralRulesets from '@stoplight/spectral-rulesets'

const DOCUMENT = fileURLToPath(new URL('../../../openapi.json', import.meta.url))

/** Rules that do not fit this API, and why; everything else in the rulesets applies. */
const REDOCLY_OFF = {
  // The health probes answer 200 or 503 and nothing else: no 4xx to document.
  'operation-4xx-response': 'off',
} as const
const SPECTRAL_OFF = {
  // A contact belongs to whoever operates the service; the reference service has none to give.
  'info-contact': 'off',
  // Every operation has a summary; a description is added where there is more to say than it.
  'operation-description': 'off',
} as const

describe('openapi.json under API linters', () => {
  it("passes Redocly's recommended rules", async () => {
    const config = await createConfig({ extends: ['recommended'], rules: REDOCLY_OFF })

    const problems = await lint({ ref: DOCUMENT, config })

    const found = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)
    assert.deepEqual(found, [])
  })

  it("passes Spectral's spectral:oas ruleset", async () => {
    const spectral = new spectralCore.Spectral()
    spectral.setRuleset(
      new spectralCore.Ruleset({ extends: [[spectralRulesets.oas, 'recommended']], rules: SPECTRAL_OFF }),
    )
    const document = new spectralCore.Document(readFileSync(DOCUMENT, 'utf8'), spectralParsers.Json, DOCUMENT)

    const results = await spectral.run(document)

    const found = results.map((r) => `${r.severity} ${String(r.code)}: ${r.message} at ${r.path.join('.')}`)
    assert.deepEqual(found, [])
  })
})
