// `npm start` and `npm test` in one clone (issue 9): a build replaces its output tree whole, so a process
// starting from it never finds it missing or half-written, and the tests' tree is not the one npm start builds.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { MAIN } from '../helpers/server-process.ts'

const ROOT = new URL('../../', import.meta.url).pathname

describe('the build', { timeout: 180_000 }, () => {
  it('replaces its output directory whole: main.js is there at every moment of a rebuild', async (t) => {
    const outDir = `build-check-${process.pid}`
    t.after(() => rmSync(`${ROOT}${outDir}`, { recursive: true, force: true }))
    mkdirSync(`${ROOT}${outDir}`)
    writeFileSync(`${ROOT}${outDir}/main.js`, '// the previous build\n')

    const build = spawn(process.execPath, ['scripts/build.ts', outDir], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, GIT_COMMIT: 'commit-given-at-build' },
    })
    const exited = once(build, 'exit')
    let checks = 0
    let missing = 0
    while (build.exitCode === null) {
      checks++
      if (!existsSync(`${ROOT}${outDir}/main.js`)) missing++
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    const [code] = (await exited) as [number | null]

    assert.equal(code, 0)
    assert.ok(checks > 100, `only ${checks} checks`)
    assert.equal(missing, 0, `main.js was missing in ${missing} of ${checks} checks`)
    assert.ok(existsSync(`${ROOT}${outDir}/platform/http/plugin.js`), 'the new tree is complete')
    const buildInfo = JSON.parse(readFileSync(`${ROOT}${outDir}/build-info.json`, 'utf8')) as unknown
    assert.deepEqual(
      buildInfo,
      { commit: 'commit-given-at-build' },
      'GIT_COMMIT overrides the commit recorded',
    )
    const leftovers = readdirSync(ROOT).filter((name) => name.startsWith(`${outDir}.`))
    assert.deepEqual(leftovers, [])
  })

  it('runs the tests from their own tree, not the dist/ that `npm start` rebuilds', () => {
    assert.ok(MAIN.endsWith('/dist-test/main.js'), MAIN)
    assert.ok(existsSync(MAIN))
  })
})
