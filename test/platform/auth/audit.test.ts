import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import pino from 'pino'
import {
  recordAudit,
  createAuditLog,
  type AuditEvent,
  type AuditRecord,
} from '../../../src/platform/auth/audit.ts'

/** A logger whose lines are kept, parsed. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  return { logger: pino({ messageKey: 'message' }, stream), lines }
}

describe('audit log', () => {
  it('stores each event in the store it is given and writes one log line', async () => {
    const stored: AuditRecord[] = []
    const { logger, lines } = capturedLogger()
    const log = createAuditLog({ name: 'events', insert: async (record) => void stored.push(record) }, logger)

    await log.record({ event: 'thing.done', outcome: 'success', actor: 'a', detail: { n: 1 } })

    assert.deepEqual(stored, [
      {
        event: 'thing.done',
        outcome: 'success',
        actor: 'a',
        subject: null,
        ip: null,
        request_id: null,
        detail: '{"n":1}',
      },
    ])
    assert.equal(lines[0]?.message, 'security event')
  })

  it('logs an event the store refused at error level, naming the store, without failing', async () => {
    const { logger, lines } = capturedLogger()
    const log = createAuditLog(
      {
        name: 'events',
        insert: () => Promise.reject(new Error('down')),
      },
      logger,
    )

    await log.record({ event: 'thing.done', outcome: 'failure' })

    assert.equal(lines[0]?.message, 'security event not stored in events')
    assert.equal(lines[0]?.level, 50)
  })
})

describe('recordAudit', () => {
  it('adds the origin of the request to every entry', async () => {
    const recorded: AuditEvent<'a' | 'b'>[] = []
    const log = { record: async (event: AuditEvent<'a' | 'b'>) => void recorded.push(event) }
    const origin = { ip: '192.0.2.1', requestId: 'r1' }

    await recordAudit(log, origin, { event: 'a', outcome: 'success', subject: 's' })
    await recordAudit(log, origin, { event: 'b', outcome: 'failure' })

    assert.deepEqual(recorded, [
      { event: 'a', outcome: 'success', subject: 's', ip: '192.0.2.1', requestId: 'r1' },
      { event: 'b', outcome: 'failure', ip: '192.0.2.1', requestId: 'r1' },
    ])
  })
})
