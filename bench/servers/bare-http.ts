// The floor: node:http with the two benchmark handlers and nothing else (no validation beyond the minimum).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { fibonacci } from '../../src/modules/math/fibonacci.ts'
import { describe } from '../../src/modules/math/statistics.ts'

const FIBONACCI_PATH = /^\/api\/v1\/math\/fibonacci\/(\d{1,6})$/
const STATISTICS_PATH = '/api/v1/math/statistics'

interface StatisticsRequest {
  values: number[]
  quantiles?: number[]
}

function sendJson(response: ServerResponse, status: number, payload: unknown) {
  const body = JSON.stringify(payload)
  response.writeHead(status, {
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

const server = createServer((request, response) => {
  const fibonacciMatch = request.method === 'GET' ? FIBONACCI_PATH.exec(request.url ?? '') : null
  if (fibonacciMatch !== null) {
    const n = Number(fibonacciMatch[1])
    sendJson(response, 200, { n, value: fibonacci(n).toString() })
    return
  }
  if (request.method === 'POST' && request.url === STATISTICS_PATH) {
    answerStatistics(request, response)
    return
  }
  sendJson(response, 404, { message: 'not found' })
})

server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => server.close())
