// A steady load for fault and lifecycle tests: keep-alive clients sending back to back to 127.0.0.1 until
// stopped, bounded in count and time, tallying every outcome. A request counts as failed when it was sent
// and got no answer (reset, closed) or an answer other than 2xx; a connection the kernel refused never
// carried a request and is counted apart.
import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

export interface LoadOptions {
  url: string
  headers?: Record<string, string>
  clients?: number
  /** Upper bounds, whatever happens to the server. */
  maxRequests?: number
  maxMs?: number
  /** Requests per second across all clients (each paces itself); unset sends back to back. */
  ratePerSecond?: number
  /** A balancer's view: once false, clients stop sending (the server was taken out of rotation). */
  isRouted?: () => boolean
}

export interface LoadTally {
  ok: number
  /** One line per failed request: the status and body, or the error code. */
  failures: string[]
  /** Connection attempts refused (nothing listening any more). */
  refused: number
  durationMs: number
  /** Answered requests per second over the run. */
  rate: number
}

export interface SteadyLoad {
  /** Answered so far (any status). */
  answered(): number
  /** Resolves once at least `count` more requests have been answered, or the load ended. */
  waitForAnswers(count: number): Promise<void>
  /** Stops sending and resolves with the tally once every client has its last answer. */
  stop(): Promise<LoadTally>
}

export function startSteadyLoad(options: LoadOptions): SteadyLoad {
  const {
    url,
    headers = {},
    clients = 8,
    maxRequests = 200_000,
    maxMs = 60_000,
    isRouted = () => true,
  } = options
  const intervalMs = options.ratePerSecond === undefined ? 0 : (clients * 1000) / options.ratePerSecond
  const started = performance.now()
  const tally: LoadTally = { ok: 0, failures: [], refused: 0, durationMs: 0, rate: 0 }
  let sent = 0
  let stopped = false
  const answered = () => tally.ok + tally.failures.length

  const client = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    let nextAt = performance.now()
    try {
      while (!stopped && isRouted() && sent < maxRequests && performance.now() - started < maxMs) {
        if (intervalMs > 0) {
          nextAt += intervalMs
          const waitMs = nextAt - performance.now()
          if (waitMs > 0) await sleep(waitMs)
        }
        sent += 1
        const outcome = await getOnce(url, headers, agent)
        if (outcome.kind === 'refused') {
          tally.refused += 1
          // Nothing listens: wait a little instead of spinning on refusals.
          await sleep(20)
        } else if (outcome.kind === 'reply' && outcome.status >= 200 && outcome.status < 300) tally.ok += 1
        else
          tally.failures.push(outcome.kind === 'reply' ? `${outcome.status} ${outcome.body}` : outcome.code)
      }
    } finally {
      agent.destroy()
    }
  }
  const running = Promise.all(Array.from({ length: clients }, client))

  return {
    answered,
    async waitForAnswers(count) {
      const target = answered() + count
      while (answered() < target && !stopped && performance.now() - started < maxMs && sent < maxRequests) {
        await sleep(10)
      }
    },
    async stop() {
      stopped = true
      await running
      tally.durationMs = Math.round(performance.now() - started)
      tally.rate = Math.round((answered() * 1000) / tally.durationMs)
      return tally
    },
  }
}

type Outcome =
  { kind: 'reply'; status: number; body: string } | { kind: 'error'; code: string } | { kind: 'refused' }

function getOnce(url: string, headers: Record<string, string>, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const fail = (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'ECONNREFUSED' || error.syscall === 'connect'
          ? { kind: 'refused' }
          : { kind: 'error', code: `${error.code ?? 'UNKNOWN'}: ${error.message}` },
      )
    const req = request(url, { agent, headers, timeout: 10_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ kind: 'reply', status: res.statusCode ?? 0, body: body.slice(0, 300) }))
      res.on('error', fail)
    })
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('no answer within 10 s'), { code: 'TIMEOUT' })),
    )
    req.on('error', fail)
    req.end()
  })
}
