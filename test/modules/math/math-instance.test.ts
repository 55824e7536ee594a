import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CONSTANTS, FUNCTIONS, OPERATORS } from '../../../src/modules/math/expression-policy.ts'
import { MATHJS_NAMES, createMathInstance } from '../../../src/modules/math/math-instance.ts'

// Functions that parse, compile, change the instance or convert units: never needed by the allowlist.
const NEVER_ON_THE_INSTANCE = ['evaluate', 'compile', 'parser', 'createUnit', 'unit', 'simplify']
  .concat(['simplifyConstant', 'simplifyCore', 'derivative', 'rationalize', 'resolve', 'reviver'])
  .concat(['replacer', 'chain', 'help', 'to', 'print', 'filter', 'forEach', 'random'])

describe('createMathInstance', () => {
  const math = createMathInstance()
  const namespace = (math.expression as unknown as { mathWithTransform: object }).mathWithTransform

  it('holds every allowlisted function, operator and constant', () => {
    for (const name of [...FUNCTIONS, ...OPERATORS, ...CONSTANTS]) {
      assert.ok(Object.hasOwn(namespace, name), name)
    }
  })

  it('holds none of the functions that parse, compile, change the instance or make units', () => {
    for (const name of NEVER_ON_THE_INSTANCE) {
      assert.equal(Object.hasOwn(namespace, name), false, name)
      assert.equal(Reflect.get(math, name), undefined, name)
    }
  })

  it('holds fewer than half of the names a full mathjs instance has', () => {
    assert.ok(Object.keys(namespace).length * 2 < MATHJS_NAMES.size)
  })
})

describe('MATHJS_NAMES', () => {
  it('knows names that are not on the instance, and no property of Object', () => {
    for (const name of ['version', 'zeros', 'evaluate', 'createUnit', 'config', 'apply']) {
      assert.ok(MATHJS_NAMES.has(name), name)
    }
    for (const name of ['constructor', '__proto__', 'toString', 'Unit', 'SymbolNode']) {
      assert.equal(MATHJS_NAMES.has(name), false, name)
    }
  })
})
