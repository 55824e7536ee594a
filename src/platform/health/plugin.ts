// Liveness and readiness endpoints; other plugins register the dependency checks they own.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Lifecycle } from '../lifecycle/state.ts'
import { createCheckRunner, type CheckRunnerOptions, type HealthCheck } from './checks.ts'
import type { CacheRegistry, CacheStats } from '../cache/cache.ts'
import type { DegradationTracker, DependencyState } from './degraded.ts'
import type { BreakerRegistry, BreakerStatus } from '../resilience/breakers.ts'
import { HealthLiveSchema, HealthReadySchema } from './schemas.ts'

declare module 'fastify' {
  interface FastifyInstance {
    health: {
      addCheck(check: HealthCheck): void
      /** What /health/ready answers: the lifecycle phase, then every check (cached for cacheMs). */
      readiness(): Promise<Readiness>
    }
  }
}

export interface Readiness {
  ready: boolean
  status: string
  checks: Record<string, unknown>
  /**
   * Dependencies that are or were degraded (served by a fallback), for the detailed health; not in the
   * public /health/ready answer, and never a reason to be unready.
   */
  dependencies: Record<string, DependencyState>
  /** Each circuit breaker's state, for the detailed health; never a reason to be unready by itself. */
  breakers: Record<string, BreakerStatus>
  /** Each cache's size and hit counts, for the detailed health. */
  caches: Record<string, CacheStats>
}

export interface HealthOptions extends CheckRunnerOptions {
  lifecycle: Lifecycle
  /** Where the dependencies' degraded states are read from (none reported when absent). */
  degradation?: Pick<DegradationTracker, 'states'>
  /** Where the circuit breakers' states are read from (none reported when absent). */
  breakers?: Pick<BreakerRegistry, 'states'>
  /** Where the caches' statistics are read from (none reported when absent). */
  caches?: Pick<CacheRegistry, 'stats'>
}

async function health(app: FastifyInstance, options: HealthOptions) {
  const checks = createCheckRunner({
    ...options,
    onTransition: (name, outcome) => {
      if (outcome.status === 'ok') return app.log.info({ check: name }, 'health check recovered')
      // A non-critical dependency (Redis) says it is degraded itself, once, at warn (health/degraded.ts).
      const fields = { check: name, critical: outcome.critical, error: outcome.error }
      if (outcome.critical) app.log.warn(fields, 'health check failing')
      else app.log.info(fields, 'health check failing')
    },
  })
  const { lifecycle, degradation, breakers, caches } = options
  const states = () => ({
    dependencies: degradation?.states() ?? {},
    breakers: breakers?.states() ?? {},
    caches: caches?.stats() ?? {},
  })
  const readiness = async (): Promise<Readiness> => {
    if (lifecycle.phase !== 'ready') return { ready: false, status: lifecycle.phase, checks: {}, ...states() }
    const report = await checks.run()
    const status = report.ok ? 'ready' : 'unavailable'
    return { ready: report.ok, status, checks: report.checks, ...states() }
  }
  app.decorate('health', { addCheck: (check: HealthCheck) => checks.add(check), readiness })

  // Liveness: the event loop answers. No dependency is called, so a database outage never restarts pods.
  app.get(
    '/health/live',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        operationId: 'getLiveness',
        summary: 'Liveness probe',
        response: { 200: HealthLiveSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/health/ready',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        operationId: 'getReadiness',
        summary: 'Readiness probe: 503 while starting, draining or when a required dependency is down',
        response: { 200: HealthReadySchema, 503: HealthReadySchema },
      },
    },
    async (_request, reply) => {
      const { ready, status, checks: results } = await readiness()
      if (lifecycle.phase !== 'ready') reply.header('retry-after', '5')
      return reply.code(ready ? 200 : 503).send({ status, checks: results })
    },
  )
}

export const healthPlugin = fp(health, { name: 'health' })
