// Errors the accounts module (users, API keys, tokens, two-factor) answers with, beyond the platform's.
import { createErrorFactories, type ErrorCatalog } from '../../platform/errors/app-error.ts'

export const ACCOUNT_ERRORS = {
  LOGIN_FAILED: {
    status: 401,
    title: 'Login failed',
    description:
      'The email, password or second factor is wrong. The answer (and its timing) is the same whether or not the account exists.',
  },
  MFA_REQUIRED: {
    status: 401,
    title: 'Second factor required',
    description: 'The account has two-factor authentication: send totp_code or recovery_code with the login.',
  },
  REFRESH_TOKEN_INVALID: {
    status: 401,
    title: 'Refresh token invalid',
    description:
      'The refresh token is unknown, expired, revoked or was already used (reuse revokes its whole session).',
  },
  REGISTRATION_CLOSED: {
    status: 403,
    title: 'Registration closed',
    description: 'AUTH_REGISTRATION is not `open`: accounts are created by an administrator.',
  },
  API_KEY_NOT_FOUND: {
    status: 404,
    title: 'API key not found',
    description: 'No API key with this id is visible to the caller.',
  },
  SESSION_NOT_FOUND: {
    status: 404,
    title: 'Session not found',
    description: 'No active session with this id belongs to the caller.',
  },
  EMAIL_TAKEN: {
    status: 409,
    title: 'Email already registered',
    description:
      'An account with this email exists (administrators creating a user; self-registration answers 202 either way).',
  },
  MFA_STATE_CONFLICT: {
    status: 409,
    title: 'Two-factor state conflict',
    description:
      'Two-factor authentication is already enabled (disable it first), or there is no pending enrolment to confirm.',
  },
  PASSWORD_REJECTED: {
    status: 422,
    title: 'Password rejected',
    description:
      'The password breaks the policy (NIST SP 800-63B): too short or long, a commonly used password, or contains the email or service name.',
  },
  MFA_CODE_INVALID: {
    status: 422,
    title: 'Two-factor code invalid',
    description: 'The TOTP code is wrong, expired or was already used.',
  },
  AUTH_BUSY: {
    status: 503,
    title: 'Authentication busy',
    description:
      'Too many password hashes are queued (AUTH_HASH_CONCURRENCY, AUTH_HASH_QUEUE_MAX); retry after Retry-After seconds.',
  },
} as const satisfies ErrorCatalog

export const accountErrors = createErrorFactories(ACCOUNT_ERRORS)
