import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/service/logger.js';
import { createServiceMetrics, type RegistrySnapshot, type ServiceMetrics } from '../../src/service/metrics.js';
import { parseSample, startStatsLog, summarise } from '../../src/service/stats-log.js';

interface Captured {
  lines: Record<string, unknown>[];
  /** Resolves once `n` lines with `msg` matching have been written. */
  waitFor(n: number, msg: RegExp): Promise<Record<string, unknown>[]>;
}

function capture(): Captured & { logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  let waiters: { n: number; msg: RegExp; resolve: (l: Record<string, unknown>[]) => void }[] = [];
  const matching = (msg: RegExp) => lines.filter((l) => msg.test(String(l.msg)));
  const logger = createLogger('info', {
    write(s: string) {
      lines.push(JSON.parse(s) as Record<string, unknown>);
      waiters = waiters.filter((w) => {
        const got = matching(w.msg);
        if (got.length < w.n) return true;
        w.resolve(got);
        return false;
      });
    },
  });
  return {
    logger,
    lines,
    // The log's timer is unref'd, so a waiting test keeps the event loop alive itself.
    waitFor: (n, msg) =>
      new Promise((resolve) => {
        const got = matching(msg);
        if (got.length >= n) return resolve(got);
        const keepAlive = setInterval(() => {}, 1000);
        waiters.push({ n, msg, resolve: (l) => (clearInterval(keepAlive), resolve(l)) });
      }),
  };
}

const STATS = /^activity since the last stats line$/;
type Stats = { sinceMs: number; deliveries: unknown; evaluations: unknown; github: unknown; queue?: unknown };
const statsOf = (line: Record<string, unknown>): Stats => line.stats as Stats;

function activity(m: ServiceMetrics, k = 1): void {
  m.deliveries.inc({ event: 'pull_request', outcome: 'queued' }, 2 * k);
  m.deliveries.inc({ event: 'issue_comment', outcome: 'queued' }, k);
  m.deliveries.inc({ event: 'issue_comment', outcome: 'ignored' }, k);
  m.coalesced.inc({}, k);
  m.evaluationSeconds.observe({ outcome: 'success' }, 0.02);
  m.evaluationSeconds.observe({ outcome: 'success' }, 0.04);
  m.evaluationSeconds.observe({ outcome: 'retry' }, 0.03);
  m.githubCalls.inc({ route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}', status: '2xx' }, 5 * k);
  m.githubCalls.inc({ route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}', status: '304' }, 3 * k);
  m.githubCalls.inc({ route: 'POST /repos/{owner}/{repo}/check-runs', status: 'rate_limited' }, k);
}

test('each line reports what happened since the previous one, with the queue depth', async () => {
  const m = createServiceMetrics();
  activity(m); // before the log starts: not reported
  const out = capture();
  let depthCalls = 0;
  const log = startStatsLog({
    periodMs: 5, logger: out.logger, metrics: m,
    queueDepth: async () => ({ queued: 3 + depthCalls++, running: 1, dead: 0 }),
  });
  try {
    // Activity lands between lines; each line shows only its own period's.
    await out.waitFor(1, STATS);
    activity(m);
    const first = out.lines.filter((l) => STATS.test(String(l.msg))).length;
    const second = (await out.waitFor(first + 1, STATS))[first];
    const s = statsOf(second);
    assert.equal(second.level, 30);
    assert.equal(second.service, 'checks-out');
    assert.ok(typeof s.sinceMs === 'number' && s.sinceMs >= 0);
    assert.deepEqual(s.deliveries, { total: 4, coalesced: 1, byEvent: { pull_request: { queued: 2 }, issue_comment: { queued: 1, ignored: 1 } } });
    assert.deepEqual(s.evaluations, { total: 3, byOutcome: { success: 2, retry: 1 }, meanMs: 30 });
    assert.deepEqual(s.github, { calls: 9, rateLimited: 1, byStatus: { '2xx': 5, '304': 3, rate_limited: 1 } });
    assert.equal((s.queue as { running: number }).running, 1);
    // A quiet period logs zeros (the line is also a heartbeat).
    const n = out.lines.filter((l) => STATS.test(String(l.msg))).length;
    const quiet = statsOf((await out.waitFor(n + 1, STATS))[n]);
    assert.deepEqual(quiet.deliveries, { total: 0, coalesced: 0, byEvent: {} });
    assert.deepEqual(quiet.evaluations, { total: 0, byOutcome: {} });
    assert.deepEqual(quiet.github, { calls: 0, rateLimited: 0, byStatus: {} });
  } finally {
    log.stop();
  }
  const count = out.lines.length;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(out.lines.length, count, 'nothing is logged after stop()');
});

test('the first line does not count activity from before the log started', async () => {
  const m = createServiceMetrics();
  activity(m, 7);
  const out = capture();
  const log = startStatsLog({ periodMs: 5, logger: out.logger, metrics: m, queueDepth: async () => ({}) });
  try {
    const [first] = await out.waitFor(1, STATS);
    assert.equal((statsOf(first).deliveries as { total: number }).total, 0);
    assert.equal((statsOf(first).github as { calls: number }).calls, 0);
  } finally {
    log.stop();
  }
});

test('a failing queue depth is logged as a warning and the line goes out without it; nothing is thrown', async () => {
  const m = createServiceMetrics();
  for (const queueDepth of [async () => Promise.reject(new Error('database is locked')), () => { throw new Error('sync failure'); }]) {
    const out = capture();
    const log = startStatsLog({ periodMs: 5, logger: out.logger, metrics: m, queueDepth: queueDepth as () => Promise<Record<string, number>> });
    try {
      const [line] = await out.waitFor(1, STATS);
      assert.equal(statsOf(line).queue, undefined);
      const warn = out.lines.find((l) => l.msg === 'stats log: reading the queue depth failed');
      assert.equal(warn?.level, 40);
      assert.match(String((warn?.err as { message: string }).message), /database is locked|sync failure/);
    } finally {
      log.stop();
    }
  }
});

test("worker threads' metrics are added in; a thread missing from a scrape delays counts, never doubles them; a failing read is logged", async () => {
  const m = createServiceMetrics();
  const [a, b] = [createServiceMetrics(), createServiceMetrics()];
  const reads: (() => RegistrySnapshot[])[] = [
    () => [a.registry.snapshot(), b.registry.snapshot()], // baseline
    () => {
      throw new Error('thread gone');
    },
    () => {
      a.evaluationSeconds.observe({ outcome: 'success' }, 0.5);
      a.githubCalls.inc({ route: 'GET /x', status: 'rate_limited' }, 2);
      b.evaluationSeconds.observe({ outcome: 'success' }, 0.1);
      return [a.registry.snapshot()]; // b did not answer in time
    },
    () => [a.registry.snapshot(), b.registry.snapshot()],
  ];
  a.evaluationSeconds.observe({ outcome: 'success' }, 1); // before the log: not reported
  b.evaluationSeconds.observe({ outcome: 'success' }, 1);
  let i = 0;
  const out = capture();
  const log = startStatsLog({
    periodMs: 5, logger: out.logger, metrics: m, queueDepth: async () => ({}),
    threadMetrics: async () => (reads[Math.min(i++, reads.length - 1)])(),
  });
  try {
    await out.waitFor(1, /^stats log: building the line failed$/);
    const [first, second] = (await out.waitFor(2, STATS)).map(statsOf);
    assert.deepEqual(first.github, { calls: 2, rateLimited: 2, byStatus: { rate_limited: 2 } });
    // Without b the merged job count is back at its earlier mark, so a's new job waits for the next line...
    assert.deepEqual(first.evaluations, { total: 0, byOutcome: {} });
    // ...where both new jobs appear, and b's earlier ones are not counted again.
    assert.deepEqual(second.evaluations, { total: 2, byOutcome: { success: 2 }, meanMs: 300 });
    assert.deepEqual(second.github, { calls: 0, rateLimited: 0, byStatus: {} });
  } finally {
    log.stop();
  }
});

test('a period of 0 (or nonsense) logs nothing; a short-period log running alongside proves time passed', async () => {
  const m = createServiceMetrics();
  const out = capture();
  let depthCalls = 0;
  const off = [0, -5, Number.NaN].map((periodMs) => startStatsLog({ periodMs, logger: out.logger, metrics: m, queueDepth: async () => ({ queued: depthCalls++ }) }));
  const other = capture();
  const on = startStatsLog({ periodMs: 5, logger: other.logger, metrics: m, queueDepth: async () => ({}) });
  await other.waitFor(3, STATS);
  on.stop();
  for (const o of off) o.stop();
  assert.equal(out.lines.length, 0);
  assert.equal(depthCalls, 0);
});

test('the timer does not keep the process alive (and a period beyond the timer range does not fire at once)', () => {
  const module = fileURLToPath(new URL('../../src/service/stats-log.ts', import.meta.url));
  const metrics = fileURLToPath(new URL('../../src/service/metrics.ts', import.meta.url));
  const script = `
    import { startStatsLog } from ${JSON.stringify(module)};
    import { createServiceMetrics } from ${JSON.stringify(metrics)};
    let lines = 0;
    const logger = { info: () => { lines++; }, warn: () => { lines++; } };
    startStatsLog({ periodMs: 30 * 24 * 3600 * 1000, logger, metrics: createServiceMetrics(), queueDepth: async () => ({}) });
    setTimeout(() => { process.stdout.write(String(lines)); }, 50);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.signal, null, 'the child exited by itself');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '0');
  assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
});

test('exposition parsing undoes label escapes; hostile label values cannot pollute the summary', () => {
  const s = parseSample('x_total{route="a\\"b\\\\c\\nd",status="2xx"} 3');
  assert.equal(s?.labels.get('route'), 'a"b\\c\nd');
  assert.equal(s?.series, 'x_total{route="a\\"b\\\\c\\nd",status="2xx"}');
  assert.equal(s?.value, 3);
  assert.equal(parseSample('y 7')?.value, 7);
  for (const junk of ['', '# HELP x y', 'x{a="b} 1', 'x{a=b} 1', 'x{a="b"', 'x NaN', 'x{a="b"} ']) assert.equal(parseSample(junk), undefined, junk);
  const line = summarise([
    { name: 'checksout_webhook_deliveries_total', labels: new Map([['event', '__proto__'], ['outcome', 'constructor']]), value: 2 },
    { name: 'checksout_github_requests_total', labels: new Map([['status', '__proto__']]), value: 1 },
  ]);
  assert.equal(line.deliveries.byEvent['__proto__']?.['constructor'], 2);
  assert.equal(line.github.byStatus['__proto__'], 1);
  assert.equal(({} as Record<string, unknown>).constructor, Object);
  assert.equal(JSON.parse(JSON.stringify(line)).deliveries.total, 2);
});
