import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createCloseRegistry } from '../../../src/platform/lifecycle/close-registry.ts'

function recorder() {
  const warnings: { details: object; message: string }[] = []
  return {
    warnings,
    log: { warn: (details: object, message: string) => warnings.push({ details, message }) },
  }
}

describe('createCloseRegistry', () => {
  it('closes resources newest first, waiting for each before the next', async () => {
    const { log } = recorder()
    const registry = createCloseRegistry({ log })
    const order: string[] = []
    registry.add('database', () => {
      order.push('database')
    })
    registry.add('api-key flusher', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20))
      order.push('api-key flusher')
    })
    await registry.closeAll()
    assert.deepEqual(order, ['api-key flusher', 'database'])
  })

  it('closes the rest when one fails or hangs, and logs which', async () => {
    const { log, warnings } = recorder()
    const registry = createCloseRegistry({ log, timeoutMs: 50 })
    const closed: string[] = []
    registry.add('first', () => {
      closed.push('first')
    })
    registry.add('hangs', () => new Promise<void>(() => {}))
    registry.add('fails', () => {
      throw new Error('boom')
    })
    await registry.closeAll()
    assert.deepEqual(closed, ['first'])
    assert.deepEqual(
      warnings.map((w) => [w.message, (w.details as { resource: string }).resource]),
      [
        ['close failed', 'fails'],
        ['close timed out', 'hangs'],
      ],
    )
  })

  it('closes each resource once however often closeAll is called', async () => {
    const { log } = recorder()
    const registry = createCloseRegistry({ log })
    let calls = 0
    registry.add('pool', () => {
      calls++
    })
    await Promise.all([registry.closeAll(), registry.closeAll()])
    await registry.closeAll()
    assert.equal(calls, 1)
  })
})
