// deploy/prometheus and deploy/grafana checked by machines: promtool accepts the configuration and the
// rules and passes their unit tests; a real Prometheus, configured from the shipped prometheus.yml, scrapes
// a real two-worker server, evaluates every rule without error and runs every dashboard query; and every
// metric the alerts and the dashboard name is one that server exports.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { runPromtool, startPrometheus, type PrometheusProcess } from '../helpers/prometheus.ts'
import { createTestRedisNamespace } from '../helpers/redis.ts'
import { bearer, startServer } from '../helpers/server-process.ts'

const DEPLOY = new URL('../../deploy/', import.meta.url)
const PROMETHEUS_YML = new URL('prometheus/prometheus.yml', DEPLOY).pathname
const ALERTS_YML = new URL('prometheus/alerts.yml', DEPLOY).pathname
const ALERTS_TEST_YML = new URL('prometheus/alerts.test.yml', DEPLOY).pathname
const DASHBOARD_JSON = new URL('grafana/bulwark-dashboard.json', DEPLOY).pathname
const OPERATIONS_MD = new URL('../../docs/OPERATIONS.md', import.meta.url).pathname

const ADMIN_TOKEN = 'monitoring-test-admin-token-3f9c2a7e'
/** Series Prometheus makes itself for every target. */
const SCRAPE_SERIES = new Set(['up'])
const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2'])

/** Grafana's variables, as the dashboard's queries use them, replaced the way Grafana would. */
const GRAFANA_VARIABLES: Record<string, string> = {
  job: 'bulwark',
  instance: '.*',
  __rate_interval: '1m',
}

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, keywords, label names
 * (inside braces and grouping clauses) or label values (strings).
 */
function metricNamesOf(expr: string): Set<string> {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
  const names = new Set<string>()
  for (const [name] of bare.matchAll(/(?<![\w.:$])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()/g)) {
    if (!PROMQL_KEYWORDS.has(name)) names.add(name)
  }
  return names
}

/** Every query of the dashboard: panel targets (rows' nested panels too) and the variables' label_values(). */
function dashboardQueries(dashboard: DashboardJson): { where: string; expr: string }[] {
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])])
  const targets = panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr })),
  )
  const variables = dashboard.templating.list.flatMap((variable) => {
    if (variable.type !== 'query') return []
    const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '')
    const labelValues = /^label_values\((.+),\s*\w+\)$/.exec(query)
    assert.ok(
      labelValues !== null,
      `variable ${variable.name}: only label_values(<selector>, <label>) is checked`,
    )
    return [{ where: `variable ${variable.name}`, expr: labelValues[1] ?? '' }]
  })
  return [...targets, ...variables]
}

function substituteVariables(expr: string): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => {
    const value = GRAFANA_VARIABLES[name]
    assert.ok(value !== undefined, `unknown Grafana variable ${whole} in ${expr}`)
    return value
  })
}

interface DashboardPanel {
  title: string
  type: string
  panels?: DashboardPanel[]
  targets?: { expr: string }[]
}

interface DashboardJson {
  schemaVersion: number
  panels: DashboardPanel[]
  templating: { list: { name: string; type: string; query?: string | { query?: string } }[] }
}

/** Every metric name an exposition offers, with the series names of its histograms and summaries. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>()
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (name === undefined) continue
    names.add(name)
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix)
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix)
  }
  for (const [, name] of text.matchAll(/^([a-zA-Z_:][\w:]*)[{ ]/gm)) if (name !== undefined) names.add(name)
  return names
}

/** The anchors GitHub gives the headings of a Markdown file. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  for (const [, heading] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    anchors.add(
      (heading ?? '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    )
  }
  return anchors
}

/**
 * The shipped prometheus.yml made to scrape `target` every second, with the token file at `tokenFile`
 * (its commented authorization block switched on), and the rules beside it. Throws when the file no longer
 * has what is replaced, so the test keeps testing the shipped file.
 */
async function testConfiguration(target: string, tokenFile: string): Promise<string> {
  const replacements: [RegExp, string][] = [
    [/^( {2}scrape_interval:) 15s$/m, '$1 1s'],
    [/^( {2}evaluation_interval:) 15s$/m, '$1 1s'],
    [/^( {4}scrape_timeout:) 10s$/m, '$1 1s'],
    [
      /^ {4}# authorization:\n {4}# {3}type: Bearer\n {4}# {3}credentials_file: \S+$/m,
      ['    authorization:', '      type: Bearer', `      credentials_file: ${tokenFile}`].join('\n'),
    ],
    [/'127\.0\.0\.1:9464'/, `'${target}'`],
  ]
  let text = await readFile(PROMETHEUS_YML, 'utf8')
  for (const [pattern, replacement] of replacements) {
    assert.match(text, pattern, `prometheus.yml no longer has ${String(pattern)}`)
    text = text.replace(pattern, replacement)
  }
  return text
}

/** Polls an instant query until `check` accepts its answer, at most `timeoutMs`. */
async function untilQuery(
  prometheus: PrometheusProcess,
  expr: string,
  check: (samples: { value: number }[]) => boolean,
  timeoutMs = 15_000,
) {
  const deadline = performance.now() + timeoutMs
  let last: unknown
  while (performance.now() < deadline) {
    last = await prometheus.query(expr)
    if (check(last as { value: number }[])) return
    await sleep(250)
  }
  assert.fail(`${expr} within ${timeoutMs} ms: last answer ${JSON.stringify(last)}`)
}

describe('deploy/prometheus with promtool', () => {
  it('the configuration passes `promtool check config`', () => {
    const { status, output } = runPromtool(['check', 'config', PROMETHEUS_YML])

    assert.equal(status, 0, output)
  })

  it('the alert rules pass `promtool check rules`', () => {
    const { status, output } = runPromtool(['check', 'rules', ALERTS_YML])

    assert.equal(status, 0, output)
  })

  it('the alert rules pass their unit tests (`promtool test rules`)', () => {
    const { status, output } = runPromtool(['test', 'rules', ALERTS_TEST_YML])

    assert.equal(status, 0, output)
  })
})

describe('metricNamesOf', () => {
  it('finds metric names, not functions, labels, label values, keywords or durations', () => {
    const names = metricNamesOf(
      'sum by (job) (rate(a_total{job="x",le="0.25"}[5m] offset 1h)) / on(job) group_left(route) b > 1e3 and c:d',
    )

    assert.deepEqual([...names].sort(), ['a_total', 'b', 'c:d'])
  })
})

describe('deploy/ against a running server and Prometheus', () => {
  it('scrapes a two-worker server, and every alert and dashboard query fits what it exports', async (t) => {
    const redis = await createTestRedisNamespace(t)
    const server = await startServer(t, { WORKERS: '2', ADMIN_TOKEN, ...redis.env })
    const adminLine = await server.waitForLog((line) => line.message === 'admin listening')
    const admin = `127.0.0.1:${String(adminLine.port)}`
    const key = await server.adminKey()
    for (const path of ['/api/v1/math/fibonacci/10', '/api/v1/plans', '/api/v1/no-such-route']) {
      const response = await fetch(`${server.baseUrl}${path}`, { headers: bearer(key) })
      await response.arrayBuffer()
    }
    const prometheus = await startPrometheus(t, {
      'prometheus.yml': await testConfiguration(admin, 'admin-token'),
      'alerts.yml': await readFile(ALERTS_YML, 'utf8'),
      'admin-token': `${ADMIN_TOKEN}\n`,
    })
    const metricsText = await (
      await fetch(`http://${admin}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).text()
    const exported = exportedNames(metricsText)
    const dashboard = JSON.parse(await readFile(DASHBOARD_JSON, 'utf8')) as DashboardJson

    await t.test('Prometheus sees both workers ready and the requests sent', async () => {
      await untilQuery(prometheus, 'up{job="bulwark"}', (samples) => samples[0]?.value === 1)
      await untilQuery(prometheus, 'bulwark_workers{job="bulwark"}', (samples) => samples[0]?.value === 2)
      await untilQuery(
        prometheus,
        'bulwark_workers_ready{job="bulwark"}',
        (samples) => samples[0]?.value === 2,
      )
      await untilQuery(
        prometheus,
        'sum(http_requests_total{job="bulwark",route="/api/v1/math/fibonacci/:n",status_code="200"})',
        (samples) => samples[0]?.value === 1,
      )
      await untilQuery(
        prometheus,
        'count(process_resident_memory_bytes{job="bulwark"})',
        // Each worker and the primary.
        (samples) => samples[0]?.value === 3,
      )
    })

    await t.test('Prometheus evaluates every alert rule without an error', async () => {
      const deadline = performance.now() + 15_000
      let rules = await prometheus.rules()
      while (rules.some((rule) => rule.health === 'unknown') && performance.now() < deadline) {
        await sleep(250)
        rules = await prometheus.rules()
      }

      assert.ok(rules.length >= 10, `only ${rules.length} rules loaded`)
      for (const rule of rules)
        assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError ?? rule.health}`)
    })

    await t.test(
      'every alert has a severity and a runbook_url naming a section of docs/OPERATIONS.md',
      async () => {
        const anchors = headingAnchors(await readFile(OPERATIONS_MD, 'utf8'))
        const rules = await prometheus.rules()

        for (const rule of rules) {
          assert.equal(rule.type, 'alerting', `${rule.name}: only alerts are shipped`)
          assert.match(rule.labels?.severity ?? '', /^(critical|warning)$/, `${rule.name}: severity`)
          const runbook = /^docs\/OPERATIONS\.md#(.+)$/.exec(rule.annotations?.runbook_url ?? '')
          assert.ok(runbook !== null, `${rule.name}: runbook_url ${rule.annotations?.runbook_url}`)
          assert.equal(
            runbook[1],
            `alert-${rule.name.toLowerCase()}`,
            `${rule.name}: runbook_url names its own section`,
          )
          assert.ok(
            anchors.has(runbook[1] ?? ''),
            `${rule.name}: no heading in docs/OPERATIONS.md for #${runbook[1]}`,
          )
        }
      },
    )

    await t.test('every metric an alert names is one the server exports', async () => {
      const rules = await prometheus.rules()

      for (const rule of rules) {
        const names = metricNamesOf(rule.query)
        assert.ok(names.size > 0, `${rule.name}: no metric found in ${rule.query}`)
        for (const name of names) {
          assert.ok(exported.has(name) || SCRAPE_SERIES.has(name), `${rule.name} reads ${name}, not exported`)
        }
      }
    })

    await t.test('every metric a dashboard query names is one the server exports', () => {
      const queries = dashboardQueries(dashboard)

      assert.ok(dashboard.schemaVersion >= 36, `schemaVersion ${dashboard.schemaVersion}`)
      assert.ok(queries.length > 20, `only ${queries.length} queries`)
      for (const { where, expr } of queries) {
        for (const name of metricNamesOf(expr)) {
          assert.ok(exported.has(name), `${where} reads ${name}, not exported: ${expr}`)
        }
      }
    })

    await t.test('Prometheus accepts every dashboard query', async () => {
      for (const { where, expr } of dashboardQueries(dashboard)) {
        await assert.doesNotReject(prometheus.query(substituteVariables(expr)), `${where}: ${expr}`)
      }
    })
  })
})
