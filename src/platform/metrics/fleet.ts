// The fleet's one exposition: combines the metric snapshots of every worker and of the primary into
// Prometheus text (format 0.0.4). Pure: snapshots in, text out; the supervisor brings them over IPC.
//
// How each kind of metric is combined:
// - counters and histograms (buckets, _sum, _count) are summed over the live workers, plus a retired
//   baseline: the last snapshot of every worker that is gone, so no sum goes down when a worker is replaced;
// - per-process metrics (by default `process_*` and `nodejs_*`) and summaries (whose quantiles cannot be
//   combined) are not combined: each process's series is emitted with a `worker` label (`primary` for the
//   primary's own), and a retired worker's series disappear with it;
// - other gauges are combined over the live processes by their prom-client `aggregator` (sum by default;
//   max, min, average, first, or omit when the metric was declared so); a gone worker's gauges disappear;
// - the primary's own metrics (the supervisor's) take part like one more process, so a metric only the
//   primary has is emitted as it is.
import type { Registry } from 'prom-client'

/** What `registry.getMetricsAsJSON()` returns in a process, and what a worker sends the primary. */
export type MetricSnapshot = Awaited<ReturnType<Registry['getMetricsAsJSON']>>

/** The gauge of workers that did not answer the last scrape in time. */
export const MISSED_SCRAPE_METRIC = 'bulwark_workers_missed_scrape'

/** The `worker` label value of the primary's own per-process series. */
export const PRIMARY_WORKER = 'primary'

export interface FleetMetricsOptions {
  /** Whether a metric is per process: emitted per process with a `worker` label, never combined. */
  perProcess?: (name: string) => boolean
}

export interface FleetMetrics {
  /** Keeps `snapshot` as the latest of the live worker `workerId`, replacing its previous one. */
  update(workerId: string, snapshot: MetricSnapshot): void
  /**
   * The worker is gone: its last snapshot's counters and histograms are added to the retired baseline,
   * so the fleet's sums never go down; its per-process series and gauges disappear. Unknown ids are ignored.
   */
  retire(workerId: string): void
  /** The exposition: every live worker, the retired baseline, the primary, and the missed-scrape gauge. */
  render(extra: { primary: MetricSnapshot; missedScrape: number }): string
}

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary'
type Aggregation = 'sum' | 'max' | 'min' | 'average' | 'first'

interface Series {
  /** `name{labels}` as rendered, labels sorted by name: the series' identity across processes. */
  readonly line: string
  value: number
  /** How many processes contributed, for `average`. */
  count: number
}

interface Family {
  readonly name: string
  readonly help: string
  readonly type: MetricType
  readonly aggregation: Aggregation
  /** In first-seen order, so a histogram's buckets stay in order within each label set. */
  readonly series: Map<string, Series>
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary'])
const AGGREGATIONS = new Set<string>(['sum', 'max', 'min', 'average', 'first'])

/** The default {@link FleetMetricsOptions.perProcess}: prom-client's default process metrics. */
export function isProcessMetric(name: string): boolean {
  return name.startsWith('process_') || name.startsWith('nodejs_')
}

/** Creates an empty fleet: no live worker, a zero baseline. */
export function createFleetMetrics(options: FleetMetricsOptions = {}): FleetMetrics {
  const perProcess = options.perProcess ?? isProcessMetric
  // Bounded by the fleet's size: the supervisor retires every worker that exits.
  const live = new Map<string, MetricSnapshot>()
  // Bounded by the series count of counters and histograms, which their labels bound.
  const retired = new Map<string, Family>()

  function isCombined(type: MetricType, name: string): boolean {
    return type !== 'summary' && !perProcess(name)
  }

  function retire(workerId: string): void {
    const snapshot = live.get(workerId)
    live.delete(workerId)
    if (snapshot === undefined) return
    for (const metric of snapshot) {
      const type = typeOf(metric)
      if ((type === 'counter' || type === 'histogram') && isCombined(type, metric.name)) {
        addMetric(retired, metric, undefined)
      }
    }
  }

  function render(extra: { primary: MetricSnapshot; missedScrape: number }): string {
    const families = new Map<string, Family>()
    for (const family of retired.values()) addFamily(families, family)
    const processes: [string, MetricSnapshot][] = [...live, [PRIMARY_WORKER, extra.primary]]
    for (const [workerId, snapshot] of processes) {
      for (const metric of snapshot) {
        const type = typeOf(metric)
        if (type === undefined) continue
        addMetric(families, metric, isCombined(type, metric.name) ? undefined : workerId)
      }
    }
    families.delete(MISSED_SCRAPE_METRIC)
    let text = ''
    for (const family of families.values()) text += renderFamily(family)
    text += `# HELP ${MISSED_SCRAPE_METRIC} Live workers that did not answer the last scrape in time.\n`
    text += `# TYPE ${MISSED_SCRAPE_METRIC} gauge\n`
    text += `${MISSED_SCRAPE_METRIC} ${formatValue(extra.missedScrape)}\n`
    return text
  }

  return {
    update: (workerId, snapshot) => void live.set(workerId, snapshot),
    retire,
    render,
  }
}

/** The metric's type as prom-client writes it at run time (its typings say an enum), or undefined. */
function typeOf(metric: MetricSnapshot[number]): MetricType | undefined {
  const type = String(metric.type)
  return TYPES.has(type) ? (type as MetricType) : undefined
}

/**
 * Adds one process's metric into `families`: combined with the series already there, or, with a
 * `workerId`, as that process's own series under a `worker` label. A metric whose name is not valid, or
 * whose type differs from the family already there, is left out (one TYPE per name).
 */
function addMetric(
  families: Map<string, Family>,
  metric: MetricSnapshot[number],
  workerId: string | undefined,
): void {
  const type = typeOf(metric)
  if (type === undefined || !METRIC_NAME.test(metric.name)) return
  const family = familyFor(families, {
    name: metric.name,
    help: metric.help,
    type,
    aggregation: aggregationOf(type, metric.aggregator),
  })
  if (family === undefined) return
  for (const value of metric.values) {
    const labels: Record<string, string | number | undefined> = { ...value.labels }
    if (workerId !== undefined) labels.worker = workerId
    const metricName =
      'metricName' in value && typeof value.metricName === 'string' ? value.metricName : metric.name
    // JSON over IPC turns NaN and ±Infinity into null: such a sample is left out rather than written as text
    // that does not parse.
    if (!METRIC_NAME.test(metricName) || typeof value.value !== 'number') continue
    combine(family, `${metricName}${formatLabels(labels)}`, value.value, 1)
  }
}

/** Adds a family (the retired baseline's) into `families`, series by series. */
function addFamily(families: Map<string, Family>, source: Family): void {
  const family = familyFor(families, source)
  if (family === undefined) return
  for (const series of source.series.values()) combine(family, series.line, series.value, series.count)
}

/** The family of that name in `families`, made if missing; undefined when the types differ or it is omitted. */
function familyFor(
  families: Map<string, Family>,
  shape: Omit<Family, 'series' | 'aggregation'> & { aggregation: Aggregation | undefined },
): Family | undefined {
  const existing = families.get(shape.name)
  if (existing !== undefined) return existing.type === shape.type ? existing : undefined
  // `omit`: prom-client's way of saying the metric is not to be combined at all.
  if (shape.aggregation === undefined) return undefined
  const family: Family = { ...shape, aggregation: shape.aggregation, series: new Map() }
  families.set(shape.name, family)
  return family
}

/** Counters, histograms and summaries add up; a gauge follows its declared aggregator (sum by default). */
function aggregationOf(type: MetricType, aggregator: unknown): Aggregation | undefined {
  if (aggregator === 'omit') return undefined
  if (type !== 'gauge') return 'sum'
  return typeof aggregator === 'string' && AGGREGATIONS.has(aggregator) ? (aggregator as Aggregation) : 'sum'
}

function combine(family: Family, line: string, value: number, count: number): void {
  const series = family.series.get(line)
  if (series === undefined) {
    family.series.set(line, { line, value, count })
    return
  }
  switch (family.aggregation) {
    case 'sum':
    case 'average':
      series.value += value
      break
    case 'max':
      series.value = Math.max(series.value, value)
      break
    case 'min':
      series.value = Math.min(series.value, value)
      break
    case 'first':
      break
  }
  series.count += count
}

function renderFamily(family: Family): string {
  let text = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`
  for (const series of family.series.values()) {
    const value = family.aggregation === 'average' ? series.value / series.count : series.value
    text += `${series.line} ${formatValue(value)}\n`
  }
  return text
}

/** `{a="1",b="2"}` with names sorted, so equal label sets give equal text whatever their order; '' for none. */
function formatLabels(labels: Record<string, string | number | undefined>): string {
  const pairs: string[] = []
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name]
    if (value === undefined || !LABEL_NAME.test(name)) continue
    pairs.push(`${name}="${escapeLabelValue(String(value))}"`)
  }
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`
}

/** Text format 0.0.4: in label values, backslash, double quote and line feed are escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`))
}

/** Text format 0.0.4: in HELP, backslash and line feed are escaped. */
function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'))
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}
