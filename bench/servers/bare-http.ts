// The floor: node:http with the four benchmark handlers and nothing else (no validation beyond the minimum).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { fibonacci } from '../../src/modules/math/fibonacci.ts'
import { describe } from '../../src/modules/math/statistics.ts'
import { etagOf } from '../../src/modules/plans/etag.ts'
import { createPlansSql, type PlanInput } from './plans-sql.ts'

const FIBONACCI_PATH = /^\/api\/v1\/math\/fibonacci\/(\d{1,6})$/
const STATISTICS_PATH = '/api/v1/math/statistics'
const PLANS_PATH = '/api/v1/plans'
const PLAN_PATH = /^\/api\/v1\/plans\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/

interface StatisticsRequest {
  values: number[]
  quantiles?: number[]
}

const plans = createPlansSql(process.env.DATABASE_URL ?? '')

function sendJson(
  response: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify(payload)
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  })
  response.end(body)
}

function answerStatistics(request: IncomingMessage, response: ServerResponse) {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    try {
      const { values, quantiles } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StatisticsRequest
      sendJson(response, 200, describe(values, quantiles))
    } catch (error) {
      sendJson(response, 400, { message: String(error) })
    }
  })
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.once('error', reject)
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

/** A body that is not JSON (400) or a failed query (500). */
function sendError(response: ServerResponse, error: unknown) {
  sendJson(response, error instanceof SyntaxError ? 400 : 500, { message: String(error) })
}

async function answerPlan(response: ServerResponse, id: string) {
  const plan = await plans.findPlan(id)
  if (plan === undefined) sendJson(response, 404, { message: 'not found' })
  else sendJson(response, 200, plan, { etag: etagOf(plan) })
}

async function answerPlanCreate(request: IncomingMessage, response: ServerResponse) {
  const plan = await plans.insertPlan(JSON.parse(await readBody(request)) as PlanInput)
  sendJson(response, 201, plan, { location: `${PLANS_PATH}/${plan.id}`, etag: etagOf(plan) })
}

const server = createServer((request, response) => {
  const url = request.url ?? ''
  const fibonacciMatch = request.method === 'GET' ? FIBONACCI_PATH.exec(url) : null
  if (fibonacciMatch !== null) {
    const n = Number(fibonacciMatch[1])
    sendJson(response, 200, { n, value: fibonacci(n).toString() })
    return
  }
  if (request.method === 'POST' && url === STATISTICS_PATH) {
    answerStatistics(request, response)
    return
  }
  const planMatch = request.method === 'GET' ? PLAN_PATH.exec(url) : null
  if (planMatch !== null) {
    answerPlan(response, planMatch[1] ?? '').catch((error: unknown) => sendError(response, error))
    return
  }
  if (request.method === 'POST' && url === PLANS_PATH) {
    answerPlanCreate(request, response).catch((error: unknown) => sendError(response, error))
    return
  }
  sendJson(response, 404, { message: 'not found' })
})

server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => {
  server.close()
  void plans.close()
})
