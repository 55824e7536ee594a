// The README's examples run as pasted (issue 9): its shell block, with the key the server printed, against
// the real server, answers as the comments under each command say.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { startServer } from '../helpers/server-process.ts'

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

describe('the README examples', { timeout: 120_000 }, () => {
  it('run as pasted against a development server', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-readme-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const block = /```sh\n(export KEY=[\s\S]*?)```/.exec(README)?.[1]
    assert.ok(block !== undefined, 'the README has a shell block that starts with export KEY=')
    const server = await startServer(t, { NODE_ENV: 'development', DATA_DIR: join(dir, 'data') })
    const key = await server.adminKey()

    const script = block
      .replace(/^export KEY=bk_….*$/m, `export KEY=${key}`)
      .replaceAll('localhost:3000', `127.0.0.1:${server.port}`)
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    })

    assert.equal(run.status, 0, run.stderr)
    for (const expected of [
      '{"n":90,"value":"2880067194370816120"}',
      'www-authenticate: Bearer realm="bulwark"',
      '"error_code":"AUTHENTICATION_REQUIRED"',
      '{"result":5,"type":"number"}',
      '"error_code":"EXPRESSION_FORBIDDEN"',
      'HTTP/1.1 201',
      '"status":"active"',
      '"next_cursor":null',
      '{"status":"accepted","email":"ada@example.com"}',
      '"token_type":"Bearer"',
    ]) {
      assert.ok(run.stdout.includes(expected), `missing ${expected} in:\n${run.stdout}`)
    }
  })
})
