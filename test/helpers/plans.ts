// Plans API helpers for tests: valid defaults so a test states only what matters to it.
import type { App } from '../../src/app.ts'

export function planInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: 'Ship the data layer', start_date: '2026-12-01', ...overrides }
}

export async function createPlan(
  app: App,
  overrides: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/plans',
    payload: planInput(overrides),
    headers,
  })
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`)
  return response.json<{ id: string; version: number; [field: string]: unknown }>()
}
