/**
 * `LOG_STATS_PERIOD`: every period, one `info` line saying what the service did since the previous line —
 * webhook deliveries by event and outcome, evaluations (jobs) by outcome, GitHub requests and how many were
 * rate limited — and how deep the queue is now. The original logged a similar periodic activity summary (spec §18);
 * ours is computed from the Prometheus registry, so the log and `/metrics` always agree.
 *
 * The counters are read through their exposition samples (the registry's public output), merged with the worker
 * threads' snapshots the same way `/metrics` merges them.
 */
import type { Logger } from 'pino';
import type { RegistrySnapshot, ServiceMetrics } from './metrics.js';

export interface StatsLogOptions {
  /** 0 (or less) disables the log. */
  periodMs: number;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Jobs in the queue by status (e.g. `queue.depth()`); a failure is logged and the line goes out without it. */
  queueDepth: () => Promise<Record<string, number>>;
  /** Worker threads' metrics (e.g. `WorkerThreadPool.metrics()`), added to this thread's; a failure skips the line. */
  threadMetrics?: () => Promise<RegistrySnapshot[]>;
}

/** The longest delay `setInterval` accepts; longer ones would fire every millisecond. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const DELIVERIES = 'checksout_webhook_deliveries_total';
const COALESCED = 'checksout_deliveries_coalesced_total';
const GITHUB = 'checksout_github_requests_total';
const JOBS_COUNT = 'checksout_job_duration_seconds_count';
const JOBS_SUM = 'checksout_job_duration_seconds_sum';
const WANTED = new Set([DELIVERIES, COALESCED, GITHUB, JOBS_COUNT, JOBS_SUM]);

interface Sample {
  name: string;
  labels: Map<string, string>;
  value: number;
}

/** One exposition line (`name{a="x",b="y"} 3`), with label escapes undone. undefined for comments and junk. */
export function parseSample(line: string): (Sample & { series: string }) | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
  const name = line.slice(0, i);
  const labels = new Map<string, string>();
  if (line[i] === '{') {
    i++;
    while (i < line.length && line[i] !== '}') {
      const eq = line.indexOf('="', i);
      if (eq < 0) return undefined;
      const key = line.slice(i, eq);
      let value = '';
      for (i = eq + 2; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length) {
          i++;
          value += line[i] === 'n' ? '\n' : line[i];
        } else value += line[i];
      }
      if (line[i] !== '"') return undefined;
      labels.set(key, value);
      i++;
      if (line[i] === ',') i++;
    }
    if (line[i] !== '}') return undefined;
    i++;
  }
  const series = line.slice(0, i);
  const text = line.slice(i).trim();
  const value = Number(text);
  return text !== '' && Number.isFinite(value) ? { name, labels, value, series } : undefined;
}

/** The counters the line is made of, as exposition lines; gauge collectors (database queries) are not run. */
function samples(metrics: ServiceMetrics, threads: readonly RegistrySnapshot[]): string {
  return [metrics.deliveries, metrics.coalesced, metrics.githubCalls, metrics.evaluationSeconds]
    .flatMap((m) => m.renderSamples(threads.map((t) => t[m.name] ?? [])))
    .join('\n');
}

export interface StatsLine {
  deliveries: { total: number; coalesced: number; byEvent: Record<string, Record<string, number>> };
  evaluations: { total: number; byOutcome: Record<string, number>; meanMs?: number };
  github: { calls: number; rateLimited: number; byStatus: Record<string, number> };
  queue?: Record<string, number>;
}

/**
 * Growth of each series since the previous scrape, against its high-water mark: a merged total that drops (a
 * thread that did not answer in time is left out of the merge) is not counted again when it comes back. The
 * price is that after a thread restarts, its new counts show only once the total passes the old mark.
 */
class Deltas {
  private readonly high = new Map<string, number>();
  take(text: string): Sample[] {
    const out: Sample[] = [];
    for (const line of text.split('\n')) {
      const s = parseSample(line);
      if (!s || !WANTED.has(s.name)) continue;
      const before = this.high.get(s.series) ?? 0;
      if (s.value > before) this.high.set(s.series, s.value);
      out.push({ name: s.name, labels: s.labels, value: Math.max(0, s.value - before) });
    }
    return out;
  }
}

function add(into: Record<string, number>, key: string, n: number): void {
  into[key] = (into[key] ?? 0) + n;
}

export function summarise(samples: readonly Sample[]): StatsLine {
  // User-influenced label values become keys: objects without a prototype cannot be polluted through them.
  const line: StatsLine = {
    deliveries: { total: 0, coalesced: 0, byEvent: Object.create(null) },
    evaluations: { total: 0, byOutcome: Object.create(null) },
    github: { calls: 0, rateLimited: 0, byStatus: Object.create(null) },
  };
  let seconds = 0;
  for (const s of samples) {
    if (s.value === 0) continue;
    if (s.name === DELIVERIES) {
      const event = s.labels.get('event') ?? '';
      line.deliveries.byEvent[event] ??= Object.create(null) as Record<string, number>;
      add(line.deliveries.byEvent[event], s.labels.get('outcome') ?? '', s.value);
      line.deliveries.total += s.value;
    } else if (s.name === COALESCED) line.deliveries.coalesced += s.value;
    else if (s.name === GITHUB) {
      const status = s.labels.get('status') ?? '';
      add(line.github.byStatus, status, s.value);
      line.github.calls += s.value;
      if (status === 'rate_limited') line.github.rateLimited += s.value;
    } else if (s.name === JOBS_COUNT) {
      add(line.evaluations.byOutcome, s.labels.get('outcome') ?? '', s.value);
      line.evaluations.total += s.value;
    } else if (s.name === JOBS_SUM) seconds += s.value;
  }
  if (line.evaluations.total > 0) line.evaluations.meanMs = Math.round((seconds / line.evaluations.total) * 1e4) / 10;
  return line;
}

/** Logs one line per period; `stop()` ends it. The timer never keeps the process alive. */
export function startStatsLog(o: StatsLogOptions): { stop(): void } {
  if (!(o.periodMs > 0)) return { stop() {} };
  const deltas = new Deltas();
  let lastAt = Date.now();
  let stopped = false;
  let busy = false;
  const read = async (): Promise<string> => samples(o.metrics, o.threadMetrics ? await o.threadMetrics() : []);
  // The baseline: the first line reports what happened after the log started.
  const ready = read().then((text) => void deltas.take(text), (err: unknown) => o.logger.warn({ err }, 'stats log: reading the metrics failed'));

  const tick = async (): Promise<void> => {
    await ready;
    const line = summarise(deltas.take(await read()));
    const now = Date.now();
    const sinceMs = now - lastAt;
    lastAt = now;
    try {
      line.queue = { ...(await o.queueDepth()) };
    } catch (err) {
      o.logger.warn({ err }, 'stats log: reading the queue depth failed');
    }
    if (!stopped) o.logger.info({ stats: { sinceMs, ...line } }, 'activity since the last stats line');
  };
  const timer = setInterval(() => {
    if (busy) return; // a slow database: the next line covers both periods
    busy = true;
    tick()
      .catch((err: unknown) => o.logger.warn({ err }, 'stats log: building the line failed'))
      .finally(() => {
        busy = false;
      });
  }, Math.min(o.periodMs, MAX_TIMER_MS));
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
