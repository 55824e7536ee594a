// Compiles src/ into the directory given (dist/ by default) without ever leaving it half-built: tsc writes
// into a fresh sibling directory that then replaces the old one in two renames. A process started from
// the old tree (a server, a test run) keeps running; one started during the build finds a complete tree.
// The tests build their own tree (dist-test/), so `npm start` and `npm test` in one clone never collide.
import { spawnSync } from 'node:child_process'
import { existsSync, renameSync, rmSync } from 'node:fs'
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
if (existsSync(outDir)) renameSync(outDir, retired)
renameSync(building, outDir)
rmSync(retired, { recursive: true, force: true })
