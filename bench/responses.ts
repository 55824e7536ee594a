// Before a server is measured: it must be listening and answer each scenario with its status and body.
// A benchmark of 4xx answers would be worthless, so any difference stops the run.
import { request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { isDeepStrictEqual } from 'node:util'
import { findCreatedPlanProblem } from './plans.ts'
import type { Pinned } from './processes.ts'
import type { Scenario } from './scenarios.ts'

interface Answer {
  status: number
  contentType: string
  body: string
}

/** One request with exactly the headers autocannon sends (node:http, not fetch: no Accept-Encoding added). */
function ask(baseUrl: string, scenario: Scenario): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${baseUrl}${scenario.path}`, {
      method: scenario.method,
      headers: scenario.headers,
    })
    outgoing.setTimeout(5000, () => outgoing.destroy(new Error('no answer within 5 s')))
    outgoing.once('error', reject)
    outgoing.once('response', (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.once('error', reject)
      response.once('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'] ?? '',
          body,
        })
      })
    })
    outgoing.end(scenario.body)
  })
}

/** Polls until the server answers at all; fails early if it exits, and after timeoutMs. */
export async function waitUntilListening(
  baseUrl: string,
  scenario: Scenario,
  server: Pinned,
  timeoutMs = 20_000,
) {
  let exit: string | undefined
  void server.exited.then((description) => (exit = description))
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (exit !== undefined) throw new Error(`server ${exit} before listening:\n${server.stderrTail()}`)
    try {
      await ask(baseUrl, scenario)
      return
    } catch {
      // Not listening yet (connection refused): try again shortly.
      await sleep(100)
    }
  }
  throw new Error(`server not listening at ${baseUrl} after ${timeoutMs} ms:\n${server.stderrTail()}`)
}

function findProblem(answer: Answer, scenario: Scenario): string | undefined {
  if (answer.status !== scenario.status) return `status ${answer.status}, not ${scenario.status}`
  if (!answer.contentType.startsWith('application/json')) return `content-type "${answer.contentType}"`
  if (scenario.check.kind === 'created-plan') {
    const problem = findCreatedPlanProblem(answer.body)
    return problem === undefined ? undefined : `a plan with ${problem}`
  }
  if (!isDeepStrictEqual(JSON.parse(answer.body), scenario.check.expected)) {
    return `a body different from the reference ${JSON.stringify(scenario.check.expected)}`
  }
  return undefined
}

/** What the load generator then expects of every response: the exact text of this first answer, or a plan. */
export type ExpectedBody = { kind: 'exact'; text: string } | { kind: 'created-plan' }

export async function checkAnswer(baseUrl: string, scenario: Scenario): Promise<ExpectedBody> {
  const answer = await ask(baseUrl, scenario)
  const problem = findProblem(answer, scenario)
  if (problem !== undefined) {
    throw new Error(`${scenario.method} ${scenario.path} answered ${problem}:\n${answer.body.slice(0, 2000)}`)
  }
  return scenario.check.kind === 'exact' ? { kind: 'exact', text: answer.body } : scenario.check
}
