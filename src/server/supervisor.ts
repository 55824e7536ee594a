// The supervisor: keeps WORKERS workers serving on the shared port. It replaces a worker that dies (with
// backoff, and gives up on a crash loop), kills one whose event loop stops answering heartbeats, recycles
// one past its request, memory or age limit by surge (the replacement is ready before the old one drains),
// reloads every worker one at a time, and adds or removes one on demand. Every event is one log line and a
// count in `events`.
import cluster, { type Worker } from 'node:cluster'
import type { FastifyBaseLogger } from 'fastify'
import type { LifecycleConfig, WorkersConfig } from '../platform/config/config.ts'
import { SHUTDOWN_CLOSE_MARGIN_MS } from '../platform/config/groups/lifecycle.ts'
import { isFromWorker, WORKER_ENV, type FromWorker, type ToWorker } from './fleet-messages.ts'
import { withMemoryFlags } from './memory-flags.ts'

/** Failures (crashes, failed starts, heartbeat kills) this many within CRASH_LOOP_WINDOW_MS stop the server. */
export const CRASH_LOOP_FAILURES = 5
export const CRASH_LOOP_WINDOW_MS = 60_000
/** Backoff before restarting a slot whose worker died before it was ready: doubles up to the maximum. */
const START_BACKOFF_FIRST_MS = 250
const START_BACKOFF_MAX_MS = 16_000
/** How long a failed replacement (surge) waits before the same worker is recycled again. */
const SURGE_RETRY_MS = 10_000

/** Why a worker left: the label of the exits counter and the `reason` of the log line. */
export type ExitReason =
  | 'recycled_requests'
  | 'recycled_rss'
  | 'recycled_age'
  | 'reload'
  | 'scale_down'
  | 'shutdown'
  | 'crashed'
  | 'exited_unasked'
  | 'start_failed'
  | 'heartbeat'

export type WorkerState = 'starting' | 'ready' | 'stopping'

/** What the supervisor knows of one worker, for /status and /health. */
export interface WorkerView {
  slot: number
  id: number
  pid: number | undefined
  state: WorkerState
  uptime_s: number
  requests: number
  rss_bytes: number
  event_loop_lag_ms: number
  last_heartbeat_ms_ago: number
}

export interface SupervisorEvents {
  started(slot: number): void
  ready(slot: number, startMs: number): void
  exited(slot: number, reason: ExitReason): void
  reloaded(outcome: 'finished' | 'refused' | 'failed'): void
}

export interface MetricsListener {
  final(workerId: number, snapshot: unknown): void
  gone(workerId: number): void
}

export interface SupervisorOptions {
  workers: WorkersConfig
  lifecycle: LifecycleConfig
  log: FastifyBaseLogger
  /** Extra environment for every worker (the served embedded database, a development secret). */
  workerEnv: Record<string, string>
  events: SupervisorEvents
  /**
   * Asked when a crash loop (exit code 1) or a worker's refusal (one of `fatalExitCodes`) must end the
   * server with that exit code.
   */
  giveUp(message: string, exitCode: number): void
  /** Most workers SIGTTIN or a reload may run (the served embedded database's connections are sized for it). */
  maxWorkers?: number
  /**
   * Exit codes that restarting cannot help (configuration refused, port unavailable, DATA_DIR held): a
   * worker exiting with one ends the server, unless it was a replacement, whose failure only fails its surge.
   */
  fatalExitCodes: ReadonlySet<number>
  /**
   * A message each worker gets once it is ready: what changed while it started (a log level set at run time
   * after its fork, which its environment does not have).
   */
  greeting?: () => ToWorker | undefined
}

interface Member {
  slot: number
  worker: Worker
  state: WorkerState
  /** performance.now() at fork and at the last heartbeat. */
  startedAt: number
  lastHeartbeatAt: number
  requests: number
  rssBytes: number
  lagMs: number
  /** Requests after which it is recycled (WORKER_MAX_REQUESTS + its jitter); Infinity for never. */
  recycleAfter: number
  /** Set once the supervisor asked it to go; an exit without one is a crash. */
  exitReason: ExitReason | undefined
  /** Started by a surge (recycling, reload): its refusal fails the surge, the old worker keeps serving. */
  replacement: boolean
  /** A surge for it is under way, or may not start before this time. */
  surging: boolean
  surgeNotBefore: number
  whenReady: PromiseWithResolvers<boolean>
  whenExited: PromiseWithResolvers<undefined>
  startTimer: NodeJS.Timeout | undefined
}

export interface Supervisor {
  /** Forks the workers and resolves once WORKERS of them are ready (failed starts are retried). */
  start(): Promise<void>
  /** Replaces every worker, one at a time, with settings `next` (the configuration re-read by SIGHUP). */
  reload(next: WorkersConfig): Promise<void>
  /** One worker more (SIGTTIN) or one fewer, never below one (SIGTTOU). */
  scale(delta: 1 | -1): void
  /** Stops every worker (each drains with `drainDelayMs`) and resolves once all have exited. */
  stop(drainDelayMs: number): Promise<void>
  /** Sends a message to every live worker and collects one answer of `type` with the same id from each. */
  ask<Type extends 'metrics' | 'health' | 'log-level'>(
    question: Extract<ToWorker, { type: 'scrape' | 'health' | 'log-level' }>,
    answer: Type,
    timeoutMs: number,
  ): Promise<{ answers: Map<number, Extract<FromWorker, { type: Type }>>; missed: number[] }>
  /** Called with a worker's last metrics before it exits, and once it is gone; by worker id (unique per fork). */
  onMetrics(listener: MetricsListener): void
  view(): WorkerView[]
  /** Workers wanted now (WORKERS, moved by SIGTTIN/SIGTTOU). */
  readonly target: number
  readonly readyCount: number
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { lifecycle, log, events } = options
  let settings = options.workers
  const maxWorkers = options.maxWorkers ?? Number.POSITIVE_INFINITY
  let target = Math.min(settings.count, maxWorkers)
  let stopping = false
  const members = new Map<number, Member>()
  const failures: number[] = []
  const startFailuresBySlot = new Map<number, number>()
  let metricsListener: MetricsListener = {
    final: () => undefined,
    gone: () => undefined,
  }
  /** Surges, reloads and scaling run one at a time, so capacity only ever grows before it shrinks. */
  let queue: Promise<unknown> = Promise.resolve()
  const serially = <T>(step: () => Promise<T>) => {
    const next = queue.then(step)
    queue = next.catch(() => undefined)
    return next
  }
  const allReady = Promise.withResolvers<undefined>()
  const answerListeners = new Set<(slot: number, message: FromWorker) => void>()

  // Workers get the memory flags (src/server/memory-flags.ts) unless the operator gave the primary others.
  cluster.setupPrimary({ execArgv: withMemoryFlags(process.execArgv, process.env.NODE_OPTIONS) })
  let seq = 0
  let heartbeat = startHeartbeat()

  /** Pings every WORKER_HEARTBEAT_TIMEOUT_MS / 5 (at most every second); restarted when a reload changes it. */
  function startHeartbeat(): NodeJS.Timeout {
    const intervalMs = Math.max(100, Math.min(1000, Math.floor(settings.heartbeatTimeoutMs / 5)))
    let lastTickAt = performance.now()
    return setInterval(() => {
      const now = performance.now()
      const pausedMs = now - lastTickAt - intervalMs
      lastTickAt = now
      // The primary itself did not run (SIGSTOP, a paused container, a debugger): the workers' silence is
      // ours, not theirs. Start their clocks again instead of killing every one of them.
      if (pausedMs > settings.heartbeatTimeoutMs / 2) {
        log.warn({ paused_ms: Math.round(pausedMs) }, 'the supervisor was paused; heartbeat clocks restarted')
        for (const member of members.values()) member.lastHeartbeatAt = now
      }
      tick(now)
    }, intervalMs)
  }

  function tick(now: number) {
    seq += 1
    for (const member of members.values()) {
      if (member.state === 'starting') continue
      const silentMs = now - member.lastHeartbeatAt
      if (silentMs > settings.heartbeatTimeoutMs && member.exitReason === undefined) {
        killUnresponsive(member, Math.round(silentMs))
        continue
      }
      send(member, { type: 'ping', seq })
      if (member.state === 'ready') checkLimits(member, now)
    }
  }

  function send(member: Member, message: ToWorker) {
    if (member.worker.isConnected()) member.worker.send(message, () => undefined)
  }

  function nextSlot(): number {
    for (let slot = 1; ; slot += 1) {
      if (!live().some((member) => member.slot === slot)) return slot
    }
  }

  function fork(slot: number, extraEnv: Record<string, string> = {}, replacement = false): Member {
    const worker = cluster.fork({ ...options.workerEnv, ...extraEnv, [WORKER_ENV.slot]: String(slot) })
    const jitter =
      settings.maxRequestsJitter > 0 ? Math.floor(Math.random() * (settings.maxRequestsJitter + 1)) : 0
    const now = performance.now()
    const member: Member = {
      slot,
      worker,
      state: 'starting',
      startedAt: now,
      lastHeartbeatAt: now,
      requests: 0,
      rssBytes: 0,
      lagMs: 0,
      recycleAfter: settings.maxRequests > 0 ? settings.maxRequests + jitter : Infinity,
      exitReason: undefined,
      surging: false,
      replacement,
      surgeNotBefore: 0,
      whenReady: Promise.withResolvers<boolean>(),
      whenExited: Promise.withResolvers<undefined>(),
      startTimer: undefined,
    }
    members.set(worker.id, member)
    events.started(slot)
    log.info({ slot, worker_id: worker.id, pid: worker.process.pid }, 'worker started')
    member.startTimer = setTimeout(() => {
      if (member.state !== 'starting') return
      log.error(
        { slot, pid: worker.process.pid, start_timeout_ms: settings.startTimeoutMs },
        'worker not ready within WORKER_START_TIMEOUT_MS: killing it',
      )
      member.exitReason = 'start_failed'
      worker.process.kill('SIGKILL')
    }, settings.startTimeoutMs)
    worker.on('message', (message: unknown) => {
      if (isFromWorker(message)) onMessage(member, message)
    })
    worker.on('exit', (code, signal) => onExit(member, code, signal))
    // A worker whose IPC channel errors (it died mid-send) also exits; the exit handler does the rest.
    worker.on('error', (error) => log.debug({ slot, error }, 'worker channel error'))
    return member
  }

  function onMessage(member: Member, message: FromWorker) {
    switch (message.type) {
      case 'ready': {
        clearTimeout(member.startTimer)
        if (member.state !== 'starting') return
        member.state = 'ready'
        member.lastHeartbeatAt = performance.now()
        startFailuresBySlot.delete(member.slot)
        const startMs = Math.round(performance.now() - member.startedAt)
        events.ready(member.slot, startMs)
        log.info({ slot: member.slot, pid: member.worker.process.pid, start_ms: startMs }, 'worker ready')
        const greeting = options.greeting?.()
        if (greeting !== undefined) send(member, greeting)
        member.whenReady.resolve(true)
        if (live().filter((each) => each.state === 'ready').length >= target) allReady.resolve(undefined)
        return
      }
      case 'heartbeat':
        member.lastHeartbeatAt = performance.now()
        member.requests = message.requests
        member.rssBytes = message.rssBytes
        member.lagMs = message.eventLoopLagMs
        return
      case 'stopped':
        metricsListener.final(member.worker.id, message.snapshot)
        return
      case 'metrics':
      case 'health':
      case 'log-level':
        for (const listener of answerListeners) listener(member.worker.id, message)
        return
    }
  }

  function onExit(member: Member, code: number | null, signal: string | null) {
    clearTimeout(member.startTimer)
    members.delete(member.worker.id)
    // Its last message (the final metrics) may still arrive after 'exit': retire it once the channel closed.
    const id = member.worker.id
    if (member.worker.isConnected()) member.worker.once('disconnect', () => metricsListener.gone(id))
    else metricsListener.gone(id)
    const wasReady = member.state !== 'starting'
    const expected = member.exitReason
    const fields = { slot: member.slot, pid: member.worker.process.pid, code, signal }
    member.whenReady.resolve(false)
    member.whenExited.resolve(undefined)
    if (expected !== undefined && expected !== 'start_failed' && expected !== 'heartbeat') {
      events.exited(member.slot, expected)
      log.info({ ...fields, reason: expected }, 'worker exited')
      return
    }
    if (expected === undefined && wasReady && code === 0) {
      // Stopped gracefully by someone else (a SIGTERM sent to the worker itself): replaced, not a failure.
      events.exited(member.slot, 'exited_unasked')
      log.warn({ ...fields, reason: 'exited_unasked' }, 'worker exited without being asked; replacing it')
      if (!stopping) replaceAfterFailure(member.slot, true)
      return
    }
    const reason: ExitReason = expected ?? (wasReady ? 'crashed' : 'start_failed')
    events.exited(member.slot, reason)
    if (reason !== 'heartbeat')
      log.error({ ...fields, reason }, wasReady ? 'worker crashed' : 'worker failed to start')
    if (stopping) return
    if (!member.replacement && code !== null && options.fatalExitCodes.has(code)) {
      options.giveUp(`a worker refused to run (exit ${code}, logged above); stopping`, code)
      return
    }
    const now = performance.now()
    failures.push(now)
    while (failures.length > 0 && now - (failures[0] ?? now) > CRASH_LOOP_WINDOW_MS) failures.shift()
    if (failures.length >= CRASH_LOOP_FAILURES) {
      options.giveUp(
        `crash loop: ${failures.length} worker failures within ${CRASH_LOOP_WINDOW_MS / 1000} s; stopping instead of restarting again`,
        1,
      )
      return
    }
    replaceAfterFailure(member.slot, wasReady)
  }

  function replaceAfterFailure(slot: number, wasReady: boolean) {
    // A worker that served for a while is replaced at once; one that keeps dying at start waits longer each time.
    const attempts = wasReady ? 0 : (startFailuresBySlot.get(slot) ?? 0) + 1
    startFailuresBySlot.set(slot, attempts)
    const delayMs =
      attempts === 0 ? 0 : Math.min(START_BACKOFF_FIRST_MS * 2 ** (attempts - 1), START_BACKOFF_MAX_MS)
    if (delayMs > 0) log.warn({ slot, retry_in_ms: delayMs, attempts }, 'restarting worker after backoff')
    setTimeout(() => {
      if (!stopping && live().length < target) fork(slot)
    }, delayMs).unref()
  }

  function killUnresponsive(member: Member, silentMs: number) {
    member.exitReason = 'heartbeat'
    log.error(
      {
        slot: member.slot,
        pid: member.worker.process.pid,
        silent_ms: silentMs,
        heartbeat_timeout_ms: settings.heartbeatTimeoutMs,
        fired: 'heartbeat',
      },
      'worker killed: its event loop did not answer heartbeats within WORKER_HEARTBEAT_TIMEOUT_MS (not a request timeout)',
    )
    member.worker.process.kill('SIGKILL')
  }

  function checkLimits(member: Member, now: number) {
    if (member.surging || now < member.surgeNotBefore || stopping) return
    let reason: ExitReason | undefined
    let detail: Record<string, number> = {}
    if (member.requests >= member.recycleAfter) {
      reason = 'recycled_requests'
      detail = { requests: member.requests, limit: member.recycleAfter }
    } else if (settings.maxRssMb > 0 && member.rssBytes > settings.maxRssMb * 1024 * 1024) {
      reason = 'recycled_rss'
      detail = { rss_mb: Math.round(member.rssBytes / 1048576), limit_mb: settings.maxRssMb }
    } else if (settings.maxAgeS > 0 && now - member.startedAt > settings.maxAgeS * 1000) {
      reason = 'recycled_age'
      detail = { age_s: Math.round((now - member.startedAt) / 1000), limit_s: settings.maxAgeS }
    }
    if (reason === undefined) return
    member.surging = true
    log.info({ slot: member.slot, pid: member.worker.process.pid, reason, ...detail }, 'recycling worker')
    void serially(() => surge(member, reason))
  }

  /** Starts a replacement for `old`, waits until it is ready, and only then stops `old`. */
  async function surge(old: Member, reason: ExitReason): Promise<boolean> {
    if (stopping || old.exitReason !== undefined || !members.has(old.worker.id)) return false
    const replacement = fork(old.slot, {}, true)
    const ready = await replacement.whenReady.promise
    if (!ready) {
      old.surging = false
      old.surgeNotBefore = performance.now() + SURGE_RETRY_MS
      log.warn({ slot: old.slot, reason }, 'replacement did not start; the old worker keeps serving')
      return false
    }
    await stopMember(old, reason, 0)
    return true
  }

  /** Asks a worker to drain and exit; SIGKILL if it has not within the shutdown timings. */
  async function stopMember(member: Member, reason: ExitReason, drainDelayMs: number): Promise<void> {
    if (member.exitReason === undefined) member.exitReason = reason
    // A worker still starting listens for no message yet: a signal ends it (or, once it handles signals,
    // drains it).
    if (member.state === 'starting') member.worker.process.kill('SIGTERM')
    else send(member, { type: 'stop', reason, drainDelayMs })
    member.state = 'stopping'
    const deadlineMs = drainDelayMs + lifecycle.shutdownTimeoutMs + SHUTDOWN_CLOSE_MARGIN_MS
    const killer = setTimeout(() => {
      log.warn(
        { slot: member.slot, pid: member.worker.process.pid, deadline_ms: deadlineMs },
        'worker did not stop in time: killing it',
      )
      member.worker.process.kill('SIGKILL')
    }, deadlineMs)
    await member.whenExited.promise
    clearTimeout(killer)
  }

  function live(): Member[] {
    return [...members.values()].filter((member) => member.exitReason === undefined)
  }

  return {
    async start() {
      for (let slot = 1; slot <= target; slot += 1) {
        fork(slot, slot === 1 ? { [WORKER_ENV.offerFirstKey]: '1' } : {})
      }
      // A worker that fails meanwhile is restarted with backoff; a crash loop or a refusal ends the server.
      await allReady.promise
    },

    reload(next) {
      return serially(async () => {
        const began = performance.now()
        const previous = live()
        const heartbeatChanged = next.heartbeatTimeoutMs !== settings.heartbeatTimeoutMs
        settings = next
        target = Math.min(next.count, maxWorkers)
        if (next.count > maxWorkers)
          log.warn({ wanted: next.count, max: maxWorkers }, 'reload: WORKERS above what this start allows')
        if (heartbeatChanged) {
          clearInterval(heartbeat)
          heartbeat = startHeartbeat()
        }
        log.info({ workers: previous.length, target }, 'reload begun')
        let replaced = 0
        for (const member of previous) {
          if (stopping) break
          if (await surge(member, 'reload')) replaced += 1
        }
        // WORKERS may have changed in the configuration.
        while (!stopping && live().length < target) {
          const member = fork(nextSlot())
          await member.whenReady.promise
        }
        for (const member of live()
          .toReversed()
          .slice(0, Math.max(0, live().length - target))) {
          await stopMember(member, 'scale_down', 0)
        }
        const outcome = replaced === previous.length ? 'finished' : 'failed'
        events.reloaded(outcome)
        const fields = {
          replaced,
          of: previous.length,
          workers: live().length,
          duration_ms: Math.round(performance.now() - began),
        }
        if (outcome === 'finished') log.info(fields, 'reload finished')
        else log.error(fields, 'reload failed: some workers were not replaced and keep the old configuration')
      })
    },

    scale(delta) {
      void serially(async () => {
        if (stopping) return
        if (delta === 1) {
          if (target >= maxWorkers) {
            log.warn(
              { target, max: maxWorkers },
              'not adding a worker: the most this start allows are running',
            )
            return
          }
          target += 1
          log.info({ target }, 'adding a worker')
          await fork(nextSlot()).whenReady.promise
          return
        }
        if (target <= 1) {
          log.warn({ target }, 'not removing the last worker')
          return
        }
        target -= 1
        const newest = live().at(-1)
        log.info({ target }, 'removing a worker')
        if (newest !== undefined) await stopMember(newest, 'scale_down', 0)
      })
    },

    async stop(drainDelayMs) {
      stopping = true
      clearInterval(heartbeat)
      await Promise.all([...members.values()].map((member) => stopMember(member, 'shutdown', drainDelayMs)))
    },

    ask(question, answer, timeoutMs) {
      const expected = new Map(
        live()
          .filter((member) => member.state === 'ready')
          .map((member) => [member.worker.id, member]),
      )
      const answers = new Map<number, Extract<FromWorker, { type: typeof answer }>>()
      return new Promise((resolve) => {
        const finish = () => {
          clearTimeout(timer)
          answerListeners.delete(listener)
          // A worker that exited meanwhile is retired: its answer must not bring it back.
          for (const id of answers.keys()) if (!members.has(id)) answers.delete(id)
          const missed = [...expected.values()]
            .filter((member) => !answers.has(member.worker.id))
            .map((member) => member.slot)
          resolve({ answers, missed })
        }
        const listener = (id: number, message: FromWorker) => {
          if (
            message.type !== answer ||
            !('id' in message) ||
            message.id !== question.id ||
            !expected.has(id)
          )
            return
          answers.set(id, message as Extract<FromWorker, { type: typeof answer }>)
          if (answers.size === expected.size) finish()
        }
        const timer = setTimeout(finish, timeoutMs)
        answerListeners.add(listener)
        if (expected.size === 0) finish()
        for (const member of expected.values()) send(member, question)
      })
    },

    onMetrics(listener) {
      metricsListener = listener
    },

    view() {
      const now = performance.now()
      return [...members.values()]
        .toSorted((a, b) => a.slot - b.slot)
        .map((member) => ({
          slot: member.slot,
          id: member.worker.id,
          pid: member.worker.process.pid,
          state: member.state,
          uptime_s: Math.round((now - member.startedAt) / 1000),
          requests: member.requests,
          rss_bytes: member.rssBytes,
          event_loop_lag_ms: member.lagMs,
          last_heartbeat_ms_ago: Math.round(now - member.lastHeartbeatAt),
        }))
    },

    get target() {
      return target
    },
    get readyCount() {
      return live().filter((member) => member.state === 'ready').length
    },
  }
}
