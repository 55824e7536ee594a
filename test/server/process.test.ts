// runProcess in a real process of its own: signals, crashes and exit codes, with no server inside.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, it } from 'node:test'

const PROCESS = new URL('../../src/server/process.ts', import.meta.url).href

/** Starts a process whose `main` is the given code; it prints "started" once main has returned. */
function runMain(main: string) {
  const script = `
    import { FatalError, runProcess } from ${JSON.stringify(PROCESS)}
    const line = (level) => (fields, message) =>
      console.log(JSON.stringify({ level, message: message ?? fields, error: fields?.error?.message }))
    const logger = { fatal: line('fatal'), error: line('error'), warn: line('warn'), info: line('info') }
    await runProcess({ logger, flush: async () => undefined }, async (controls) => { ${main} })
    console.log('started')
  `
  const child = spawn(process.execPath, ['--input-type=module', '--eval', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines: string[] = []
  let started: () => void = () => undefined
  const whenStarted = new Promise<void>((resolve) => (started = resolve))
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const text of chunk.split('\n').filter(Boolean)) {
      if (text === 'started') started()
      else lines.push(text)
    }
  })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const logs = () =>
    lines.map((text) => JSON.parse(text) as { level: string; message: string; error?: string })
  return { child, whenStarted, exited, logs }
}

/** Keeps the process alive as a listening server would. */
const STAY = 'setInterval(() => undefined, 60_000);'

describe('runProcess', () => {
  it('ends the process with the exit code of a FatalError thrown at start, logged at fatal', async () => {
    const run = runMain("throw new FatalError('port 3000 is in use', 69)")

    const code = await run.exited

    assert.equal(code, 69)
    assert.deepEqual(run.logs(), [{ level: 'fatal', message: 'port 3000 is in use' }])
  })

  it('runs the shutdown on the first signal and exits 0', async () => {
    const run = runMain(
      `${STAY} controls.handleSignals(async () => console.log(JSON.stringify({ level: 'info', message: 'closed' })))`,
    )
    await run.whenStarted

    run.child.kill('SIGTERM')
    const code = await run.exited

    assert.equal(code, 0)
    assert.deepEqual(
      run.logs().map((line) => line.message),
      ['shutdown requested', 'closed'],
    )
  })

  it('exits 1 when the shutdown fails', async () => {
    const run = runMain(`${STAY} controls.handleSignals(async () => { throw new Error('stuck') })`)
    await run.whenStarted

    run.child.kill('SIGINT')
    const code = await run.exited

    assert.equal(code, 1)
    assert.deepEqual(run.logs().at(-1), { level: 'error', message: 'shutdown failed', error: 'stuck' })
  })

  it('exits 1 at once on a second signal sent after the duplicate window', async () => {
    const run = runMain(`${STAY} controls.handleSignals(() => new Promise(() => undefined))`)
    await run.whenStarted

    run.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 400))
    run.child.kill('SIGTERM')
    const code = await run.exited

    assert.equal(code, 1)
    assert.deepEqual(
      run.logs().map((line) => line.message),
      ['shutdown requested', 'second signal: exiting now without finishing the shutdown'],
    )
  })

  it('exits 1 on an uncaught exception once signals are handled', async () => {
    const run = runMain(
      `${STAY} controls.handleSignals(async () => undefined); setTimeout(() => { throw new Error('boom') }, 10)`,
    )

    const code = await run.exited

    assert.equal(code, 1)
    assert.deepEqual(run.logs(), [{ level: 'fatal', message: 'uncaught exception; exiting', error: 'boom' }])
  })

  it('ends the process with the code of a failure reported after start', async () => {
    const run = runMain(
      `${STAY} setTimeout(() => controls.fail(new FatalError('connection budget: too many', 78)), 10)`,
    )

    const code = await run.exited

    assert.equal(code, 78)
    assert.deepEqual(run.logs(), [{ level: 'fatal', message: 'connection budget: too many' }])
  })
})
