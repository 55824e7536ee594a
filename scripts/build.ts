// Compiles src/ into the directory given (dist/ by default) without ever leaving it half-built: tsc writes
// into a fresh sibling directory that then replaces the old one in two renames. A process started from
// the old tree (a server, a test run) keeps running; one started during the build finds a complete tree.
// The tests build their own tree (dist-test/), so `npm start` and `npm test` in one clone never collide.
// build-info.json beside main.js records the commit built (src/server/build-info.ts reads it).
import { spawnSync } from 'node:child_process'
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const outDir = process.argv[2] ?? 'dist'
const building = `${outDir}.building-${process.pid}`
const retired = `${outDir}.old-${process.pid}`
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', building], {
  stdio: 'inherit',
})
if (result.status !== 0) {
  rmSync(building, { recursive: true, force: true })
  process.exit(result.status ?? 1)
}
writeFileSync(`${building}/build-info.json`, `${JSON.stringify({ commit: commitBuilt() })}\n`)
if (existsSync(outDir)) renameSync(outDir, retired)
renameSync(building, outDir)
rmSync(retired, { recursive: true, force: true })

/** GIT_COMMIT when set (a build outside a checkout, e.g. in a container), else HEAD, else `unknown`. */
function commitBuilt(): string {
  const given = process.env.GIT_COMMIT?.trim()
  if (given !== undefined && given !== '') return given
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 5000, stdio: 'pipe' })
  const commit = git.status === 0 ? git.stdout.trim() : ''
  return /^[0-9a-f]{7,64}$/.test(commit) ? commit : 'unknown'
}
