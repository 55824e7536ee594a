// startServer: spawns the built server (dist/main.js serve) on a random port and reads its JSON log lines.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { TestContext } from 'node:test'

/** The tests' own build (npm test's pretest writes it), apart from dist/ so that `npm start` cannot remove it. */
export const MAIN = new URL('../../dist-test/main.js', import.meta.url).pathname

/**
 * The environment a spawned CLI or server starts from: nothing of the developer's (no .env, no variables)
 * except PATH and, under `npm test` (c8), NODE_V8_COVERAGE, so the child's coverage counts too.
 */
export function isolatedEnv(env: Record<string, string>): Record<string, string> {
  const coverage = process.env.NODE_V8_COVERAGE
  return {
    PATH: process.env.PATH ?? '',
    ENV_FILE: '/dev/null',
    ...(coverage === undefined ? {} : { NODE_V8_COVERAGE: coverage }),
    ...env,
  }
}

/**
 * Runs a bulwark command (`serve` included) to its exit; stdout and stderr apart. A command that does not
 * exit within `timeoutMs` (a regression that serves instead of refusing) is killed, failing the test
 * rather than hanging it.
 */
export async function runBulwark(args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    // A server's management listener on a free port, so that servers of parallel tests never collide.
    env: isolatedEnv(args[0] === 'serve' ? { ADMIN_PORT: '0', ...env } : env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const [code] = (await once(child, 'exit')) as [number | null]
  clearTimeout(killer)
  return { code, stdout, stderr }
}

export interface ServerProcess {
  child: ChildProcess
  port: number
  baseUrl: string
  /** Every JSON log line written so far. */
  logs: Record<string, unknown>[]
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>
  /** Resolves with the first log line matching the predicate (already written or yet to come). */
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>
  /** Everything written to stderr so far. */
  stderr(): string
  /**
   * The admin API key of the first-start banner on stderr (an empty database outside production); rejects
   * with the stderr written so far when none arrives within `timeoutMs`.
   */
  adminKey(timeoutMs?: number): Promise<string>
}

/** The key line of the first-start banner: four spaces, then the key alone. */
const BANNER_KEY = /^ {4}(bk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})$/m

/** An Authorization header carrying an API key. */
/**
 * Stops `child` when the test ends: SIGTERM (a graceful stop lets it write its coverage), then SIGKILL if it
 * has not exited after 5 s. `exited` settles when it exits.
 */
export function stopAfterTest(
  t: Pick<TestContext, 'after'>,
  child: ChildProcess,
  exited: Promise<unknown>,
): void {
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(killer)
  })
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` }
}

export async function startServer(t: TestContext, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: isolatedEnv({
      NODE_ENV: 'test',
      PORT: '0',
      ADMIN_PORT: '0',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  stopAfterTest(t, child, exited)
  const logs: Record<string, unknown>[] = []
  const waiters = new Set<() => void>()
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    for (const wake of waiters) wake()
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    logs.push(JSON.parse(line) as Record<string, unknown>)
    for (const wake of waiters) wake()
  })

  /** Resolves with the first defined value `find` returns, re-checked on every stdout line and stderr chunk. */
  function waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number) {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find()
        if (found === undefined) return
        cleanup()
        resolve(found)
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`no ${what} within ${timeoutMs} ms; stderr: ${stderr}`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        waiters.delete(check)
      }
      waiters.add(check)
      void exited.then(() => {
        if (waiters.has(check)) {
          cleanup()
          reject(new Error(`server exited before the ${what}; stderr: ${stderr}`))
        }
      })
      check()
    })
  }

  function waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000) {
    return waitFor(() => logs.find(predicate), 'matching log line', timeoutMs)
  }

  function adminKey(timeoutMs = 5000) {
    return waitFor(() => BANNER_KEY.exec(stderr)?.[1], 'first-start admin key on stderr', timeoutMs)
  }

  const listening = await waitForLog((line) => line.message === 'listening', 30_000)
  const port = listening.port as number
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    exited,
    waitForLog,
    stderr: () => stderr,
    adminKey,
  }
}
