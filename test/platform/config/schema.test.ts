import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderEnvExample } from '../../../src/platform/config/env-example.ts'
import { loadConfig } from '../../../src/platform/config/loader.ts'
import { CONFIG_GROUPS, CONFIG_SECTIONS, GROUPS, VARIABLES } from '../../../src/platform/config/schema.ts'

describe('the configuration schema, composed from the groups', () => {
  it('declares every variable in exactly one group', () => {
    const declared = GROUPS.flatMap((group) => Object.keys(group.variables))

    assert.deepEqual(
      declared.filter((name, index) => declared.indexOf(name) !== index),
      [],
      'declared by two groups',
    )
    assert.deepEqual(new Set(Object.keys(VARIABLES)), new Set(declared))
  })

  it('lists each variable under the section it names (else the one of its group), sections in order', () => {
    for (const group of GROUPS) {
      for (const [name, spec] of Object.entries(group.variables)) {
        assert.equal(VARIABLES[name]?.section, spec.section ?? group.section, name)
      }
    }
    const sectionIndexes = Object.values(VARIABLES).map((spec) => CONFIG_SECTIONS.indexOf(spec.section))
    assert.deepEqual(
      sectionIndexes,
      sectionIndexes.toSorted((a, b) => a - b),
    )
  })

  it('is what .env.example is generated from, in the same order', () => {
    const listed = [...renderEnvExample().matchAll(/^# ([A-Z0-9_]+)=/gm)].map((match) => match[1])

    assert.deepEqual(listed, Object.keys(VARIABLES))
  })

  it('builds each slice of the configuration with the group named for it', () => {
    const result = loadConfig({ NODE_ENV: 'test' })

    assert.ok(result.ok)
    assert.deepEqual(Object.keys(result.config), Object.keys(CONFIG_GROUPS))
  })

  it('gives every name prefix a group owns to at least one of its variables', () => {
    for (const group of GROUPS) {
      for (const prefix of group.prefixes ?? []) {
        assert.ok(
          Object.keys(group.variables).some((name) => name.startsWith(prefix)),
          `${prefix} owns no variable of its group`,
        )
      }
    }
  })
})
