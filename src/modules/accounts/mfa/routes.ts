// The two-factor routes of /api/v1/auth: start and confirm TOTP enrolment, turn it off.
import { NoContent } from '../../../platform/http/nullable.ts'
import { contextOf } from '../client-context.ts'
import { AUTH_TAGS as tags, USER_ONLY, type AuthRoutesApp } from '../route-access.ts'
import { RecoveryCodesSchema, TotpConfirmSchema, TotpDisableSchema, TotpEnrolmentSchema } from '../schemas.ts'
import type { MfaService } from './service.ts'

/** POST /mfa/totp, /mfa/totp/confirm and /mfa/totp/disable. */
export function addMfaRoutes(app: AuthRoutesApp, mfa: MfaService): void {
  app.post(
    '/mfa/totp',
    {
      config: { auth: USER_ONLY, errors: ['MFA_STATE_CONFLICT'] },
      schema: {
        tags,
        operationId: 'startTotpEnrolment',
        summary: 'Start TOTP enrolment: a secret and otpauth:// URI, active once confirmed',
        response: { 200: TotpEnrolmentSchema },
      },
    },
    async (request) => mfa.enrolTotp(request.principal),
  )

  app.post(
    '/mfa/totp/confirm',
    {
      config: { auth: USER_ONLY, errors: ['MFA_STATE_CONFLICT', 'MFA_CODE_INVALID'] },
      schema: {
        tags,
        operationId: 'confirmTotpEnrolment',
        summary: 'Confirm TOTP enrolment with a current code; returns one-time recovery codes',
        body: TotpConfirmSchema,
        response: { 200: RecoveryCodesSchema },
      },
    },
    async (request) => mfa.confirmTotp(request.principal, request.body.totp_code, contextOf(request)),
  )

  app.post(
    '/mfa/totp/disable',
    {
      config: {
        auth: { principals: ['user'] },
        errors: ['MFA_STATE_CONFLICT', 'LOGIN_FAILED', 'MFA_REQUIRED', 'AUTH_BUSY'],
      },
      schema: {
        tags,
        operationId: 'disableTotp',
        summary: 'Turn TOTP off (password and a current code required)',
        body: TotpDisableSchema,
        response: { 204: NoContent('Two-factor authentication is off') },
      },
    },
    async (request, reply) => {
      await mfa.disableTotp(request.principal, request.body, contextOf(request))
      return reply.code(204).send(null)
    },
  )
}
