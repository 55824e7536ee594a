// The http plugin runs the steps it is given, in order, in one hook per phase; a step that answers ends it.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import Fastify from 'fastify'
import { errorsPlugin } from '../../../src/platform/errors/plugin.ts'
import { httpPlugin } from '../../../src/platform/http/plugin.ts'
import {
  createDeadlineStep,
  refuseCompressedBody,
  type PipelineSteps,
  type RequestStep,
} from '../../../src/platform/http/steps.ts'
import { currentDeadlineScope } from '../../../src/platform/context/deadline-scope.ts'

async function appWith(t: TestContext, steps: PipelineSteps) {
  const app = Fastify()
  t.after(() => app.close())
  await app.register(errorsPlugin, { exposeInternalErrors: false, translators: [] })
  await app.register(httpPlugin, { steps })
  app.get('/slow', { config: { handlerTimeoutMs: 1234 } }, async () => ({
    inScope: currentDeadlineScope() !== undefined,
  }))
  app.get('/', async () => ({ ok: true }))
  return app
}

describe('the http plugin’s steps', () => {
  it('runs every onRequest step in order with the route config, then the onResponse steps', async (t) => {
    const seen: string[] = []
    const record =
      (name: string): RequestStep =>
      (_request, _reply, config) => {
        seen.push(`${name}:${String(config.handlerTimeoutMs)}`)
        return false
      }
    const app = await appWith(t, {
      onRequest: [record('first'), record('second')],
      onResponse: [() => seen.push('response')],
    })

    const response = await app.inject({ url: '/slow' })

    assert.equal(response.statusCode, 200)
    assert.deepEqual(seen, ['first:1234', 'second:1234', 'response'])
  })

  it('stops at a step that answered: later steps and the handler do not run', async (t) => {
    const seen: string[] = []
    const app = await appWith(t, {
      onRequest: [
        refuseCompressedBody,
        () => {
          seen.push('after')
          return false
        },
      ],
      onResponse: [],
    })

    const refused = await app.inject({ url: '/', headers: { 'content-encoding': 'gzip' } })
    const served = await app.inject({ url: '/', headers: { 'content-encoding': 'identity' } })

    assert.equal(refused.statusCode, 415)
    assert.equal(refused.json().error_code, 'UNSUPPORTED_MEDIA_TYPE')
    assert.equal(served.statusCode, 200)
    assert.deepEqual(seen, ['after'])
  })

  it('runs the handler inside the deadline scope only when the deadline step is listed', async (t) => {
    const withDeadline = await appWith(t, { onRequest: [createDeadlineStep(5000)], onResponse: [] })
    const without = await appWith(t, { onRequest: [], onResponse: [] })

    assert.deepEqual((await withDeadline.inject({ url: '/slow' })).json(), { inScope: true })
    assert.deepEqual((await without.inject({ url: '/slow' })).json(), { inScope: false })
  })
})
