// Errors the Plans API answers with, beyond the platform's.
import { createErrorFactories, type ErrorCatalog } from '../../platform/errors/app-error.ts'

export const PLAN_ERRORS = {
  PLAN_NOT_FOUND: {
    status: 404,
    title: 'Plan not found',
    description: 'No plan with this id is visible to the caller (missing, deleted, or not theirs).',
  },
  PLAN_VERSION_MISMATCH: {
    status: 412,
    title: 'Plan version mismatch',
    description:
      'If-Match names a version that is no longer current; fetch the plan and retry with its ETag.',
  },
  PLAN_PRECONDITION_REQUIRED: {
    status: 428,
    title: 'If-Match required',
    description: 'Changes to a plan must send If-Match with the ETag of the version they are based on.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key reused',
    description: 'This Idempotency-Key was already used with a different request body.',
  },
} as const satisfies ErrorCatalog

export const planErrors = createErrorFactories(PLAN_ERRORS)
