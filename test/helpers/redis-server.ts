// startRedisServer: a private redis-server owned by one test (a spare 127.0.0.1 port, nothing persisted),
// for faults the shared Redis must not suffer: stopping, killing, freezing (SIGSTOP) and restarting it.
// Every wait is bounded, and the server is always ended in t.after.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TestContext } from 'node:test'
import { freePort } from './postgres-cluster.ts'

/** Longest wait for the server to answer PING after a start, and for it to exit after a signal. */
const START_TIMEOUT_MS = 10_000
const EXIT_TIMEOUT_MS = 5000

export interface RedisServerOptions {
  /** requirepass: clients must AUTH with it (the url then carries it). */
  password?: string
}

export interface RedisServer {
  port: number
  /** redis://127.0.0.1:PORT, with the password when one is required (database 0). */
  url: string
  /** SIGTERM, then waits for the exit (SIGKILL if it takes longer than 5 s). */
  stop(): Promise<void>
  /** SIGKILL (a crash): connections are cut without a goodbye. Waits for the exit. */
  kill(): Promise<void>
  /** SIGSTOP: the server keeps its connections open and answers nothing until `resume`. */
  pause(): void
  /** SIGCONT after `pause`. */
  resume(): void
  /** Stops it if it runs (SIGTERM), then starts a new, empty one on the same port; resolves once it answers. */
  restart(): Promise<void>
}

/** Starts a redis-server (the binary on PATH) and ends it in t.after, whatever state the test left it in. */
export async function startRedisServer(
  t: Pick<TestContext, 'after'>,
  options: RedisServerOptions = {},
): Promise<RedisServer> {
  const port = await freePort()
  let child: ChildProcess | undefined
  let output = ''

  function isRunning(process: ChildProcess | undefined): process is ChildProcess {
    return process !== undefined && process.exitCode === null && process.signalCode === null
  }

  async function end(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const running = child
    if (!isRunning(running)) return
    const exited = once(running, 'exit')
    // A paused server handles no SIGTERM until it is continued.
    running.kill('SIGCONT')
    running.kill(signal)
    const killer = setTimeout(() => running.kill('SIGKILL'), EXIT_TIMEOUT_MS)
    await exited
    clearTimeout(killer)
  }

  async function start(): Promise<void> {
    output = ''
    const started = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        '/tmp',
        '--loglevel',
        'warning',
        ...(options.password === undefined ? [] : ['--requirepass', options.password]),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child = started
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000)
    }
    started.stdout?.on('data', keep)
    started.stderr?.on('data', keep)
    const failed = once(started, 'error').then(([error]) => {
      throw error as Error
    })
    failed.catch(() => undefined)
    await Promise.race([waitForPong(port, START_TIMEOUT_MS, options.password, () => output), failed])
  }

  t.after(() => end('SIGKILL'))
  await start()
  return {
    port,
    url: `redis://${options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`}127.0.0.1:${port}`,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async restart() {
      await end('SIGTERM')
      await start()
    },
  }
}

/** Resolves once a PING on a new connection gets +PONG; rejects after `timeoutMs`. */
async function waitForPong(
  port: number,
  timeoutMs: number,
  password: string | undefined,
  output: () => string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (await answersPing(port, 500, password)) return
    await sleep(25)
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms: ${output()}`)
}

/** One PING over a raw socket (after AUTH when given): true on +PONG within `timeoutMs`, else false. */
export function answersPing(port: number, timeoutMs: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let reply = ''
    const finish = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    socket.once('error', () => finish(false))
    // Inline commands: AUTH's +OK (or an error) comes first, then PING's answer.
    const auth = password === undefined ? '' : `AUTH ${password}\r\n`
    const lines = password === undefined ? 1 : 2
    socket.once('connect', () => socket.write(`${auth}PING\r\n`))
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString()
      const answers = reply.split('\r\n').slice(0, -1)
      if (answers.length >= lines) finish(answers[lines - 1]?.startsWith('+PONG') === true)
    })
  })
}
