// The primary of a server with several workers: owns the embedded database (served to the workers over a
// private socket), runs the supervisor and the management listener, and turns signals into fleet
// operations: TERM/INT stop gracefully, HUP reloads one worker at a time, TTIN/TTOU add or remove one.
import cluster from 'node:cluster'
import { createServer, type AddressInfo } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../platform/config/config.ts'
import { CONFIG_EXIT_CODE, loadConfig } from '../platform/config/loader.ts'
import { readEnvironment } from '../platform/config/environment.ts'
import { createCloseRegistry } from '../platform/lifecycle/close-registry.ts'
import { DATA_DIR_LOCKED_EXIT_CODE, PORT_UNAVAILABLE_EXIT_CODE } from '../platform/lifecycle/exit-codes.ts'
import type { ProcessLogger } from '../platform/logging/logger.ts'
import { localBaseUrl } from '../platform/http/local-url.ts'
import { createMetricsRegistry } from '../platform/metrics/registry.ts'
import { createFleetMetrics } from '../platform/metrics/fleet.ts'
import { serveClusterLimits } from '../platform/rate-limit/cluster-store.ts'
import { relayClusterInvalidations } from '../platform/cache/cluster-invalidation-bus.ts'
import type { AdminSource } from './admin.ts'
import { startAdmin } from './admin-server.ts'
import { openEmbeddedForWorkers } from './embedded-database.ts'
import { API_LISTENER, listenRefusal } from './listen-refusal.ts'
import { FatalError, runProcess } from './process.ts'
import type { RuntimeLogLevel } from './log-level.ts'
import { createSupervisor, type Supervisor } from './supervisor.ts'
import { collectWorkerOutput } from './worker-output.ts'
import { createSupervisorMetrics } from './supervisor-metrics.ts'

/** How long a scrape or a health question waits for the workers' answers. */
const SCRAPE_TIMEOUT_MS = 2000
const HEALTH_TIMEOUT_MS = 2000

/** Settings a reload cannot change in a running primary: they need a restart. */
const RESTART_ONLY: readonly [string, (config: Readonly<Config>) => unknown][] = [
  ['HOST/PORT', (config) => `${config.server.host}:${config.server.port}`],
  ['ADMIN_HOST/ADMIN_PORT/ADMIN_TOKEN', (config) => JSON.stringify(config.admin)],
  ['DATA_DIR', (config) => config.db.dataDir],
  ['DATABASE_URL (embedded or not)', (config) => config.db.url === undefined],
]

export interface PrimaryOptions {
  version: string
}

export async function runPrimary(
  config: Readonly<Config>,
  processLogger: ProcessLogger,
  options: PrimaryOptions,
): Promise<void> {
  const { logger } = processLogger
  await runProcess(processLogger, async (controls) => {
    const resources = createCloseRegistry({ log: logger })
    // From the first moment: a signal while the database opens or the workers start still stops in order.
    const started: { fleet?: Supervisor } = {}
    let draining = false
    controls.handleSignals(async () => {
      draining = true
      await started.fleet?.stop(config.lifecycle.drainDelayMs)
      await resources.closeAll()
    })
    process.on('SIGHUP', () => {
      if (started.fleet === undefined) logger.warn({}, 'reload ignored: the workers are not started yet')
      else reload(config, started.fleet, logger, (outcome) => supervisorEvents.reloaded(outcome))
    })
    process.on('SIGTTIN', () => started.fleet?.scale(1))
    process.on('SIGTTOU', () => started.fleet?.scale(-1))
    const workerEnv: Record<string, string> = {}
    // With LOG_FILE this process writes the file for every worker: their stdout comes here (worker-output.ts).
    if (config.log.file !== undefined) {
      const output = collectWorkerOutput(cluster, processLogger, logger)
      // Registered first, so closed last: after the workers have exited, their last lines are in.
      resources.add('worker output', () => output.drained())
    }
    // Every worker must sign and verify with one key: a generated development secret is handed down.
    if (config.security.secretKeyGenerated) workerEnv.SECRET_KEY = config.security.secretKey
    // The port is tried before anything else, so a busy one is one line (as with one process), not a
    // refusal from each worker after the database opened. PORT=0: the primary picks the port, so that every
    // worker, including one started after all of them died (when the cluster closes the shared listener),
    // listens on the same one.
    const port = await claimPort(config.server.host, config.server.port)
    if (config.server.port === 0) workerEnv.PORT = String(port)
    const embedded =
      config.db.url === undefined ? await openEmbeddedForWorkers(config, logger, resources) : undefined
    Object.assign(workerEnv, embedded?.workerEnv)

    // The workers' rate limits without Redis, and their fallback with it: one log for all of them.
    const limits = serveClusterLimits(cluster, config.rateLimit.maxKeys)
    resources.add('rate limits', () => {
      limits.stop()
    })
    // Without Redis, a worker's cache invalidations reach the other workers through the primary.
    if (config.redis.url === undefined)
      resources.add('cache invalidations', relayClusterInvalidations(cluster))

    const registry = createMetricsRegistry({ processMetrics: true })
    const fleetMetrics = createFleetMetrics()
    const supervisorEvents = createSupervisorMetrics(registry, () => started.fleet)
    const supervisor = createSupervisor({
      workers: config.workers,
      lifecycle: config.lifecycle,
      log: logger,
      workerEnv,
      events: supervisorEvents,
      ...(embedded === undefined ? {} : { maxWorkers: embedded.maxWorkers }),
      fatalExitCodes: new Set([CONFIG_EXIT_CODE, PORT_UNAVAILABLE_EXIT_CODE, DATA_DIR_LOCKED_EXIT_CODE]),
      // A worker forked before a PUT /log-level but ready after it learns the level here.
      greeting: () =>
        workerEnv.LOG_LEVEL === undefined
          ? undefined
          : { type: 'log-level', id: 0, level: workerEnv.LOG_LEVEL as RuntimeLogLevel },
      giveUp(message, exitCode) {
        // The workers are stopped first.
        void supervisor
          .stop(0)
          .then(() => resources.closeAll())
          .finally(() => controls.fail(new FatalError(message, exitCode)))
      },
    })
    started.fleet = supervisor
    supervisor.onMetrics({
      final: (id, snapshot) => fleetMetrics.update(String(id), snapshot as never),
      gone: (id) => fleetMetrics.retire(String(id)),
    })

    const source: AdminSource = {
      async metrics() {
        const { answers, missed } = await supervisor.ask(
          { type: 'scrape', id: nextQuestion() },
          'metrics',
          SCRAPE_TIMEOUT_MS,
        )
        for (const [id, answer] of answers) fleetMetrics.update(String(id), answer.snapshot as never)
        return fleetMetrics.render({
          primary: await registry.getMetricsAsJSON(),
          missedScrape: missed.length,
        })
      },
      live: () => true,
      async readiness() {
        const required = Math.ceil((supervisor.target * config.workers.readyPercent) / 100)
        const detail = {
          ready_workers: supervisor.readyCount,
          workers: supervisor.target,
          required,
          draining,
        }
        return { ready: !draining && supervisor.readyCount >= required, detail }
      },
      async health() {
        const { answers, missed } = await supervisor.ask(
          { type: 'health', id: nextQuestion() },
          'health',
          HEALTH_TIMEOUT_MS,
        )
        const readiness = await source.readiness()
        const workers = supervisor.view().map((view) => {
          const answer = answers.get(view.id)
          return {
            ...view,
            ready: answer?.ready ?? false,
            health: answer?.report ?? (missed.includes(view.slot) ? 'no answer' : undefined),
          }
        })
        return {
          ok: readiness.ready,
          status: readiness.ready ? 'ready' : draining ? 'draining' : 'unavailable',
          ...readiness.detail,
          workers,
        }
      },
      workers: () => supervisor.view(),
      logLevel: () => askLogLevels(supervisor, logger.level),
      async setLogLevel(level) {
        const previous = logger.level
        logger.level = level
        // Workers forked from now on (replacements, reloads, SIGTTIN) start at this level.
        workerEnv.LOG_LEVEL = level
        logger.warn({ log_level: level, previous_log_level: previous }, 'log level changed')
        return askLogLevels(supervisor, level, level)
      },
    }
    const admin = await startAdmin(config, { log: logger, version: options.version, source })
    resources.add('management listener', () => admin.close())

    await supervisor.start()
    const url = localBaseUrl(config.server.host, port)
    embedded?.setUrl(url)
    // The one line that says the server is up, as a single process says it; each worker's is at debug.
    logger.info(
      {
        address: url,
        port: Number(new URL(url).port),
        env: config.env,
        workers: supervisor.target,
        admin: admin.url,
      },
      'listening',
    )
  })
}

/** Checks that `port` (0: a free one) can be had on `host` now, and returns it; a refusal exits 69. */
async function claimPort(host: string, port: number): Promise<number> {
  const probe = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.listen(port, host, resolve)
    })
  } catch (error) {
    const refusal = listenRefusal(error, { ...API_LISTENER, port })
    if (refusal === undefined) throw error
    throw new FatalError(refusal, PORT_UNAVAILABLE_EXIT_CODE)
  }
  const claimed = (probe.address() as AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  return claimed
}

/** Each ready worker's level, after setting it to `set` when given. */
async function askLogLevels(supervisor: Supervisor, level: string, set?: RuntimeLogLevel) {
  const { answers } = await supervisor.ask(
    { type: 'log-level', id: nextQuestion(), ...(set === undefined ? {} : { level: set }) },
    'log-level',
    HEALTH_TIMEOUT_MS,
  )
  const workers = supervisor
    .view()
    .map((view) => ({ slot: view.slot, level: answers.get(view.id)?.level ?? null }))
  return { level, workers }
}

let question = 0
function nextQuestion(): number {
  question += 1
  return question
}

/** SIGHUP: re-reads the configuration; a configuration that fails its check keeps the running workers. */
function reload(
  running: Readonly<Config>,
  fleet: Supervisor,
  log: FastifyBaseLogger,
  reloaded: (outcome: 'refused') => void,
): void {
  const result = loadConfig(readEnvironment(process.env, process.cwd()))
  if (!result.ok) {
    reloaded('refused')
    log.error(
      { problems: result.problems },
      `reload refused: the configuration has ${result.problems.length} problem(s); the running workers keep the old one`,
    )
    return
  }
  for (const [name, read] of RESTART_ONLY) {
    if (read(result.config) !== read(running))
      log.warn({ setting: name }, `reload: ${name} changed and needs a restart to apply`)
  }
  void fleet.reload(result.config.workers)
}
