// The evaluator's mathjs instance, built from only the factories the allowlist needs, and every name mathjs knows.
import type * as MathJs from 'mathjs'
import type { ConfigOptions, FactoryFunctionMap, MathJsInstance } from 'mathjs'
import { CONSTANTS, FUNCTIONS, OPERATORS } from './expression-policy.ts'

// mathjs's package entry builds its whole default instance the moment it is imported (about 1 s and
// 120 MB of resident memory, most of it a V8 heap grown for the garbage of building ~300 typed
// functions), even when only `create` and factories are taken from it. The files behind the entry only
// declare factories; the package's exports map hides them, so they are read relative to the resolved
// entry (lib/esm/index.js). package.json pins mathjs to one exact version, whose layout this follows.
const ENTRY = import.meta.resolve('mathjs')

interface Factory {
  (scope: object): unknown
  /** The name the created value has on the instance. */
  fn: string
  /** Names of the values the factory is created with; '?' marks an optional one. */
  dependencies: readonly string[]
  meta?: { isClass?: boolean; isTransformFunction?: boolean; formerly?: string }
}

type Create = (factories: FactoryFunctionMap, config?: ConfigOptions) => MathJsInstance

const { create } = (await import(new URL('./core/create.js', ENTRY).href)) as { create: Create }
const { all } = (await import(new URL('./entry/allFactoriesAny.js', ENTRY).href)) as {
  all: Readonly<Record<string, Factory>>
}
const FACTORIES = Object.values(all)

/** mathjs's type checks, from the same file its instances take them from. */
export const { isComplex, isMatrix } = (await import(new URL('./utils/is.js', ENTRY).href)) as Pick<
  typeof MathJs,
  'isComplex' | 'isMatrix'
>

// Besides the allowlist: matrix (array literals), format and typeOf (results), parse (the parser and
// the node classes it builds).
const INSTANCE_NEEDS = ['matrix', 'format', 'typeOf', 'parse']
// What every instance gives its factories without one: config, the event emitter's `on`, the instance.
const BUILT_IN = new Set(['config', 'on', 'math', 'mathWithTransform', 'classes'])

/**
 * A mathjs instance with the allowlisted functions, operators and constants and what they depend on,
 * nothing else: whatever the allowlist does not lead to is not on the instance at all. Creating it
 * costs about 10 ms; mathjs builds each function on first use.
 */
export function createMathInstance(): MathJsInstance {
  const wanted = [...FUNCTIONS, ...OPERATORS, ...CONSTANTS, ...INSTANCE_NEEDS]
  const factories: Record<string, Factory> = {}
  const seen = new Set<string>()
  while (wanted.length > 0) {
    const name = wanted.pop() ?? ''
    if (seen.has(name) || BUILT_IN.has(name)) continue
    seen.add(name)
    // A function and its expression transform (sum counts dimensions from 1) share one name.
    const matching = FACTORIES.filter((factory) => factory.fn === name)
    if (matching.length === 0) throw new Error(`mathjs has no factory for '${name}'`)
    for (const factory of matching) {
      factories[`${factory.meta?.isTransformFunction === true ? 'transform' : 'create'}:${name}`] = factory
      // Optional dependencies too, as mathjs's own *Dependencies objects include them.
      wanted.push(...factory.dependencies.map((dependency) => dependency.replace(/^\?/, '')))
    }
  }
  // Plain numbers, never BigNumber: a BigNumber power or factorial can grow without bound.
  return create(factories, {
    number: 'number',
    matrix: 'Matrix',
    predictable: false,
  })
}

/**
 * Every name the expression namespace of a full mathjs instance holds: functions, constants and former
 * names, not classes. A symbol among them is a refused mathjs name rather than an unknown one.
 */
export const MATHJS_NAMES: ReadonlySet<string> = new Set([
  'config',
  ...FACTORIES.filter((factory) => factory.meta?.isClass !== true).map((factory) => factory.fn),
  ...FACTORIES.flatMap((factory) => (factory.meta?.formerly === undefined ? [] : [factory.meta.formerly])),
])
