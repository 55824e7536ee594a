// Error codes of the Math API. All are 422: the request is well-formed, but its math cannot be done.
import { createErrorFactories, type ErrorCatalog } from '../../platform/errors/app-error.ts'

export const MATH_ERRORS = {
  EXPRESSION_INVALID: {
    status: 422,
    title: 'Invalid expression',
    description:
      'The expression or its scope has a syntax error, an unknown symbol or wrongly typed values, or failed to evaluate; `detail` gives the reason.',
  },
  EXPRESSION_FORBIDDEN: {
    status: 422,
    title: 'Forbidden expression',
    description: 'The expression uses a function, operator or construct that is disabled; `detail` names it.',
  },
  EXPRESSION_TOO_COMPLEX: {
    status: 422,
    title: 'Expression too complex',
    description:
      'The expression is too long, has too many nodes, nests too deeply or needs more work than one request may use.',
  },
  RESULT_TOO_LARGE: {
    status: 422,
    title: 'Result too large',
    description:
      'The result, or a matrix computed on the way to it, has more elements or characters than allowed.',
  },
  RESULT_NOT_FINITE: {
    status: 422,
    title: 'Result not finite',
    description: 'The result is NaN or infinite, which JSON cannot represent.',
  },
} as const satisfies ErrorCatalog

export const mathErrors = createErrorFactories(MATH_ERRORS)
