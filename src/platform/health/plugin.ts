// Liveness and readiness endpoints; other plugins register the dependency checks they own.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Lifecycle } from '../lifecycle/state.ts'
import { createCheckRunner, type CheckRunnerOptions, type HealthCheck } from './checks.ts'
import { HealthLiveSchema, HealthReadySchema } from './schemas.ts'

declare module 'fastify' {
  interface FastifyInstance {
    health: { addCheck(check: HealthCheck): void }
  }
}

export interface HealthOptions extends CheckRunnerOptions {
  lifecycle: Lifecycle
}

async function health(app: FastifyInstance, options: HealthOptions) {
  const checks = createCheckRunner({
    ...options,
    onTransition: (name, outcome) => {
      if (outcome.status === 'failing')
        app.log.warn({ check: name, error: outcome.error }, 'health check failing')
      else app.log.info({ check: name }, 'health check recovered')
    },
  })
  const { lifecycle } = options
  app.decorate('health', { addCheck: (check: HealthCheck) => checks.add(check) })

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
      if (lifecycle.phase !== 'ready') {
        return reply.code(503).header('retry-after', '5').send({ status: lifecycle.phase, checks: {} })
      }
      const report = await checks.run()
      return reply
        .code(report.ok ? 200 : 503)
        .send({ status: report.ok ? 'ready' : 'unavailable', checks: report.checks })
    },
  )
}

export const healthPlugin = fp(health, { name: 'health' })
