// Response shapes of the health endpoints.
import { Type } from 'typebox'

export const HealthLiveSchema = Type.Object({ status: Type.Literal('ok') }, { title: 'HealthLive' })

export const CheckOutcomeSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
  duration_ms: Type.Number(),
  critical: Type.Boolean(),
  // No error text here: the probe is public and driver messages name hosts and users. It is logged.
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
})

export const HealthReadySchema = Type.Object(
  {
    status: Type.Union([
      Type.Literal('ready'),
      Type.Literal('unavailable'),
      Type.Literal('starting'),
      Type.Literal('draining'),
      Type.Literal('stopped'),
    ]),
    checks: Type.Record(Type.String(), CheckOutcomeSchema),
  },
  { title: 'HealthReady' },
)
