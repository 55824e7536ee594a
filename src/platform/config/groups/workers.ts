// The process model: how many workers serve, when one is recycled, and how long one may stop answering.
import { availableParallelism } from 'node:os'
import { defineGroup } from '../group.ts'
import { perEnv } from '../variable.ts'

export interface WorkersConfig {
  /** Workers to run; 1 runs a single process with no primary. */
  count: number
  /** Recycle a worker after this many requests (+ its jitter); 0 never. */
  maxRequests: number
  /** Up to this many more requests, drawn per worker, so workers do not recycle together. */
  maxRequestsJitter: number
  /** Recycle a worker whose resident memory exceeds this many MiB; 0 never. */
  maxRssMb: number
  /** Recycle a worker this many seconds after it started; 0 never. */
  maxAgeS: number
  /** A worker whose event loop has not answered a heartbeat for this long is killed and replaced. */
  heartbeatTimeoutMs: number
  /** A new worker must be ready (listening) within this long, or it counts as a failed start. */
  startTimeoutMs: number
  /** The admin readiness answers 200 while at least this share (percent) of the workers are ready. */
  readyPercent: number
}

export const workersGroup = defineGroup({
  section: 'workers',
  prefixes: ['WORKER_', 'WORKERS_'],
  variables: {
    WORKERS: {
      type: 'string',
      pattern: /^(auto|[1-9][0-9]{0,2})$/,
      default: perEnv('auto', 'auto', '1'),
      doc: 'Worker processes serving the API: a number, or auto for the CPU count (os.availableParallelism()). 1 runs a single process with no primary, the shape for one container per pod where the orchestrator supervises. Each worker has its own database pool: DB_POOL_MAX × WORKERS × EXPECTED_INSTANCES connections in all.',
    },
    WORKER_MAX_REQUESTS: {
      type: 'integer',
      min: 0,
      max: 1_000_000_000,
      default: '0',
      doc: 'Recycle a worker after this many requests (a replacement is started and ready before it drains); 0 never.',
    },
    WORKER_MAX_REQUESTS_JITTER: {
      type: 'integer',
      min: 0,
      max: 1_000_000_000,
      default: '0',
      doc: 'Each worker recycles after WORKER_MAX_REQUESTS plus a random number of requests up to this, so workers do not restart together.',
    },
    WORKER_MAX_RSS_MB: {
      type: 'integer',
      min: 0,
      max: 1_048_576,
      default: '512',
      doc: 'Recycle a worker whose resident memory exceeds this many MiB (checked every heartbeat); 0 never.',
    },
    WORKER_MAX_AGE_S: {
      type: 'integer',
      min: 0,
      max: 31_536_000,
      default: '0',
      doc: 'Recycle a worker this many seconds after it started; 0 never.',
    },
    WORKER_HEARTBEAT_TIMEOUT_MS: {
      type: 'integer',
      min: 500,
      max: 600_000,
      default: '30000',
      doc: 'A worker whose event loop has not answered the supervisor for this long (a busy loop, a deadlock) is killed and replaced. Unrelated to HANDLER_TIMEOUT_MS, which answers one slow request with 503.',
    },
    WORKER_START_TIMEOUT_MS: {
      type: 'integer',
      min: 1000,
      max: 600_000,
      default: '30000',
      doc: 'A new worker must be listening within this long, or it is killed and counted as a failed start.',
    },
    WORKERS_READY_PERCENT: {
      type: 'integer',
      min: 1,
      max: 100,
      default: '50',
      doc: 'The management /health/ready answers 200 while at least this share of the workers (percent, rounded up to a whole worker) is ready.',
    },
  },
  build: (values): WorkersConfig => ({
    count: values.WORKERS === 'auto' ? availableParallelism() : Number(values.WORKERS),
    maxRequests: values.WORKER_MAX_REQUESTS,
    maxRequestsJitter: values.WORKER_MAX_REQUESTS_JITTER,
    maxRssMb: values.WORKER_MAX_RSS_MB,
    maxAgeS: values.WORKER_MAX_AGE_S,
    heartbeatTimeoutMs: values.WORKER_HEARTBEAT_TIMEOUT_MS,
    startTimeoutMs: values.WORKER_START_TIMEOUT_MS,
    readyPercent: values.WORKERS_READY_PERCENT,
  }),
  checks({ workers }) {
    if (workers.maxRequestsJitter > 0 && workers.maxRequests === 0) {
      return ['WORKER_MAX_REQUESTS_JITTER: has no effect while WORKER_MAX_REQUESTS is 0 (never recycle)']
    }
    return []
  },
})
