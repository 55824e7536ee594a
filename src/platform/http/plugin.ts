// The request pipeline's own hooks, one per phase: onRequest and onResponse run the steps app.ts lists
// (steps.ts), preHandler goes back into the deadline's scope after body parsing.
// One consolidated hook per phase instead of one per concern: each hook costs time on every request.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { clearDeadline, resumeDeadlineScope } from './deadline.ts'
import type { PipelineSteps } from './steps.ts'
import './route-config.ts'

export interface HttpOptions {
  /** The steps of each phase, in order; a step that answers the request ends its onRequest phase. */
  steps: PipelineSteps
}

async function http(app: FastifyInstance, options: HttpOptions) {
  // Copied at registration: the list a request runs cannot change under it.
  const onRequest = [...options.steps.onRequest]
  const onResponse = [...options.steps.onResponse]
  app.decorateRequest('deadline', null)
  app.decorateRequest('deadlineScope', null)
  app.decorateRequest('socketBytesAtStart', 0)

  // Index loops: no iterator or closure per request.
  app.addHook('onRequest', (request, reply, done) => {
    // routeOptions is a getter that builds a new object: read it once for every step.
    const config = request.routeOptions.config
    for (let index = 0; index < onRequest.length; index++) {
      if (onRequest[index]?.(request, reply, config) === true) return
    }
    // Authentication (the next onRequest hook) and the handler run inside the deadline's scope.
    resumeDeadlineScope(request, done)
  })

  app.addHook('preHandler', (request, _reply, done) => {
    resumeDeadlineScope(request, done)
  })

  app.addHook('onResponse', (request, reply, done) => {
    clearDeadline(request)
    const config = request.routeOptions.config
    for (let index = 0; index < onResponse.length; index++) onResponse[index]?.(request, reply, config)
    done()
  })
}

export const httpPlugin = fp(http, { name: 'http', dependencies: ['errors'] })
