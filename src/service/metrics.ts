/**
 * A tiny Prometheus registry (text exposition format 0.0.4): counters, gauges (set, or computed at scrape
 * time) and histograms, each with labels. Label values come from webhooks, so they are escaped and the
 * number of series per metric is capped: an attacker cannot grow memory without bound through labels.
 */
type Labels = Record<string, string>;
const MAX_SERIES = 1000;
const OVERFLOW = '__overflow__';

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelKey(names: readonly string[], labels: Labels): string {
  return names.map((n) => labels[n] ?? '').join('\u0000');
}

function renderLabels(names: readonly string[], key: string, extra?: [string, string]): string {
  const values = key === '' && names.length === 0 ? [] : key.split('\u0000');
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`bad metric name ${name}`);
  }
  protected seriesKey(map: Map<string, unknown>, labels: Labels): string {
    const key = labelKey(this.labelNames, labels);
    if (map.has(key) || map.size < MAX_SERIES) return key;
    return labelKey(this.labelNames, Object.fromEntries(this.labelNames.map((n) => [n, OVERFLOW])));
  }
  abstract type: string;
  /** `extra`: the same metric's series from other threads (see `MetricsRegistry.snapshot`), merged in. */
  abstract renderSamples(extra?: SeriesSnapshot[]): Promise<string[]> | string[];
  abstract snapshot(): SeriesSnapshot;
}

/** One metric's series as plain data, so a worker thread can hand it to the thread serving /metrics. */
export type SeriesSnapshot = [key: string, value: number | HistogramSeries | StampedValue][];
export type RegistrySnapshot = Record<string, SeriesSnapshot>;
/** A reading with when it was taken (ms since the epoch), for gauges where the latest reading is the truth. */
interface StampedValue {
  value: number;
  at: number;
}
interface HistogramSeries {
  counts: number[];
  sum: number;
  count: number;
}

function mergeNumbers(own: Map<string, number>, extra: SeriesSnapshot[] | undefined, combine: (a: number, b: number) => number): Map<string, number> {
  if (!extra || extra.length === 0) return own;
  const out = new Map(own);
  for (const snap of extra)
    for (const [k, v] of snap) {
      if (typeof v !== 'number') continue;
      const prev = out.get(k);
      out.set(k, prev === undefined ? v : combine(prev, v));
    }
  return out;
}

export class Counter extends Metric {
  readonly type = 'counter';
  private values = new Map<string, number>();
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) return;
    const key = this.seriesKey(this.values, labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(this.labelNames, labels)) ?? 0;
  }
  snapshot(): SeriesSnapshot {
    return [...this.values];
  }
  renderSamples(extra?: SeriesSnapshot[]): string[] {
    return [...mergeNumbers(this.values, extra, (a, b) => a + b)].map(([k, v]) => `${this.name}${renderLabels(this.labelNames, k)} ${formatNumber(v)}`);
  }
}

/**
 * How a series several threads report is shown: `min`, the lowest value; `latest`, the most recent reading
 * (a reading from before a rate-limit window reset must not hide a fresh one).
 */
export type GaugeMerge = 'min' | 'latest';

export class Gauge extends Metric {
  readonly type = 'gauge';
  private values = new Map<string, number>();
  private stamps = new Map<string, number>();
  /** Called at scrape time to refresh values (e.g. queue depth from the database). */
  collect?: (gauge: Gauge) => Promise<void> | void;
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly merge: GaugeMerge = 'min',
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
  ) {
    super(name, help, labelNames);
  }
  set(labels: Labels, value: number): void {
    const key = this.seriesKey(this.values, labels);
    this.values.set(key, value);
    if (this.merge === 'latest') this.stamps.set(key, this.now());
  }
  get(labels: Labels = {}): number | undefined {
    return this.values.get(labelKey(this.labelNames, labels));
  }
  snapshot(): SeriesSnapshot {
    if (this.merge === 'min') return [...this.values];
    return [...this.values].map(([k, value]) => [k, { value, at: this.stamps.get(k) ?? 0 }]);
  }
  async renderSamples(extra?: SeriesSnapshot[]): Promise<string[]> {
    if (this.collect) await this.collect(this);
    const merged = this.merge === 'min' ? mergeNumbers(this.values, extra, Math.min) : this.latest(extra ?? []);
    return [...merged].map(([k, v]) => `${this.name}${renderLabels(this.labelNames, k)} ${formatNumber(v)}`);
  }
  private latest(extra: SeriesSnapshot[]): Map<string, number> {
    const best = new Map<string, StampedValue>([...this.values].map(([k, value]) => [k, { value, at: this.stamps.get(k) ?? 0 }]));
    for (const snap of extra)
      for (const [k, v] of snap) {
        if (typeof v !== 'object' || !('at' in v)) continue;
        const prev = best.get(k);
        if (prev === undefined || v.at > prev.at) best.set(k, v);
      }
    return new Map([...best].map(([k, v]) => [k, v.value]));
  }
}

export class Histogram extends Metric {
  readonly type = 'histogram';
  private series = new Map<string, HistogramSeries>();
  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, labelNames);
    this.buckets = [...buckets].sort((a, b) => a - b);
  }
  observe(labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    const key = this.seriesKey(this.series, labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]++;
    });
    s.sum += value;
    s.count++;
  }
  snapshot(): SeriesSnapshot {
    return [...this.series].map(([k, v]) => [k, { counts: [...v.counts], sum: v.sum, count: v.count }]);
  }
  renderSamples(extra?: SeriesSnapshot[]): string[] {
    const merged = new Map(this.series);
    for (const snap of extra ?? [])
      for (const [k, v] of snap) {
        if (typeof v === 'number' || !('counts' in v) || v.counts.length !== this.buckets.length) continue;
        const prev = merged.get(k);
        merged.set(k, prev ? { counts: prev.counts.map((c, i) => c + (v.counts[i] ?? 0)), sum: prev.sum + v.sum, count: prev.count + v.count } : v);
      }
    const out: string[] = [];
    for (const [k, s] of merged) {
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${renderLabels(this.labelNames, k, ['le', formatNumber(b)])} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${renderLabels(this.labelNames, k, ['le', '+Inf'])} ${s.count}`);
      out.push(`${this.name}_sum${renderLabels(this.labelNames, k)} ${formatNumber(s.sum)}`);
      out.push(`${this.name}_count${renderLabels(this.labelNames, k)} ${s.count}`);
    }
    return out;
  }
}

export class MetricsRegistry {
  private metrics = new Map<string, Metric>();
  private add<T extends Metric>(m: T): T {
    if (this.metrics.has(m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.metrics.set(m.name, m);
    return m;
  }
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }
  gauge(name: string, help: string, labelNames: readonly string[] = [], merge: GaugeMerge = 'min'): Gauge {
    return this.add(new Gauge(name, help, labelNames, merge));
  }
  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }
  /** Every metric's series as plain data (structured-cloneable). */
  snapshot(): RegistrySnapshot {
    const out: RegistrySnapshot = {};
    for (const m of this.metrics.values()) out[m.name] = m.snapshot();
    return out;
  }

  /**
   * The exposition text, with `extra` snapshots (from worker threads) merged in: counters and histograms
   * add up. A failing collector drops its metric's samples rather than the whole scrape.
   */
  async render(extra: RegistrySnapshot[] = []): Promise<string> {
    const out: string[] = [];
    for (const m of this.metrics.values()) {
      let samples: string[];
      try {
        samples = await m.renderSamples(extra.map((e) => e[m.name] ?? []));
      } catch {
        samples = [];
      }
      out.push(`# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${m.name} ${m.type}`, ...samples);
    }
    return `${out.join('\n')}\n`;
  }
}

/** The service's metrics, created once per process (or per test). */
export function createServiceMetrics() {
  const registry = new MetricsRegistry();
  return {
    registry,
    deliveries: registry.counter('checksout_webhook_deliveries_total', 'Webhook deliveries received, by event and outcome.', ['event', 'outcome']),
    webhookAckSeconds: registry.histogram(
      'checksout_webhook_ack_seconds',
      'Time from a webhook request arriving to its answer being sent (authentication, triage, durable enqueue).',
      [],
      [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
    queueDepth: registry.gauge('checksout_queue_jobs', 'Jobs in the durable queue, by status.', ['status']),
    evaluationSeconds: registry.histogram(
      'checksout_job_duration_seconds',
      'Time to process one claimed job (one PR evaluation after coalescing), by outcome.',
      ['outcome'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    coalesced: registry.counter('checksout_deliveries_coalesced_total', 'Deliveries folded into another job of the same PR.'),
    githubCalls: registry.counter('checksout_github_requests_total', 'GitHub API requests, by route and status class.', ['route', 'status']),
    githubRequestsPerJob: registry.histogram(
      'checksout_github_requests_per_job',
      'GitHub requests made by one job (one PR evaluation after coalescing): all requests, and those that counted against the rate limit (all but 304s).',
      ['kind'],
      [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89],
    ),
    // The latest reading of any thread: an idle thread's reading from before the window reset is stale.
    rateLimitRemaining: registry.gauge('checksout_github_rate_limit_remaining', 'Last x-ratelimit-remaining seen (by any worker thread), by rate-limit resource.', ['resource'], 'latest'),
  };
}

export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;
