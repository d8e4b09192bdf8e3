import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry } from '../../src/service/metrics.js';

test('exposition text: counters, gauges, histograms, escaping', async () => {
  const r = new MetricsRegistry();
  const c = r.counter('x_total', 'Things.\nSecond line', ['route']);
  c.inc({ route: 'GET /repos/{owner}/{repo}' });
  c.inc({ route: 'GET /repos/{owner}/{repo}' }, 2);
  c.inc({ route: 'a"b\\c\nd' });
  c.inc({ route: 'neg' }, -5);
  const g = r.gauge('y', 'Level.');
  g.set({}, 7);
  const h = r.histogram('z_seconds', 'Latency.', ['outcome'], [0.1, 1]);
  h.observe({ outcome: 'ok' }, 0.05);
  h.observe({ outcome: 'ok' }, 0.5);
  h.observe({ outcome: 'ok' }, 5);
  h.observe({ outcome: 'ok' }, NaN);
  const text = await r.render();
  assert.equal(
    text,
    [
      '# HELP x_total Things.\\nSecond line',
      '# TYPE x_total counter',
      'x_total{route="GET /repos/{owner}/{repo}"} 3',
      'x_total{route="a\\"b\\\\c\\nd"} 1',
      '# HELP y Level.',
      '# TYPE y gauge',
      'y 7',
      '# HELP z_seconds Latency.',
      '# TYPE z_seconds histogram',
      'z_seconds_bucket{outcome="ok",le="0.1"} 1',
      'z_seconds_bucket{outcome="ok",le="1"} 2',
      'z_seconds_bucket{outcome="ok",le="+Inf"} 3',
      'z_seconds_sum{outcome="ok"} 5.55',
      'z_seconds_count{outcome="ok"} 3',
      '',
    ].join('\n'),
  );
});

test('series per metric are capped (hostile label values cannot grow memory)', async () => {
  const r = new MetricsRegistry();
  const c = r.counter('c', 'h', ['k']);
  for (let i = 0; i < 5000; i++) c.inc({ k: `v${i}` });
  const lines = (await r.render()).split('\n').filter((l) => l.startsWith('c{'));
  assert.equal(lines.length, 1001);
  assert.ok(lines.includes('c{k="__overflow__"} 4000'));
});

test('a failing gauge collector does not break the scrape; names are validated; no double registration', async () => {
  const r = new MetricsRegistry();
  const g = r.gauge('g', 'h');
  g.collect = () => {
    throw new Error('db down');
  };
  r.counter('ok_total', 'h').inc();
  const text = await r.render();
  assert.match(text, /^ok_total 1$/m);
  assert.match(text, /^# TYPE g gauge$/m);
  assert.throws(() => r.counter('bad-name', 'h'));
  assert.throws(() => r.counter('ok_total', 'h'));
});

test('gauges reported by several threads: `min` shows the lowest, `latest` the most recent reading', async () => {
  const main = new MetricsRegistry();
  const cautious = main.gauge('c', 'Lowest.', ['resource']);
  const left = main.gauge('left', 'Latest.', ['resource'], 'latest');
  cautious.set({ resource: 'core' }, 50);
  left.set({ resource: 'core' }, 50);

  const thread = new MetricsRegistry();
  thread.gauge('c', 'Lowest.', ['resource']).set({ resource: 'core' }, 10);
  const threadLeft = thread.gauge('left', 'Latest.', ['resource'], 'latest');
  threadLeft.set({ resource: 'core' }, 10);
  threadLeft.set({ resource: 'search' }, 7);
  const before = thread.snapshot();
  // A later reading on the main thread (GitHub's window was reset since the thread's).
  await new Promise((r) => setTimeout(r, 5));
  left.set({ resource: 'core' }, 4990);
  let text = await main.render([before]);
  assert.match(text, /^c\{resource="core"\} 10$/m);
  assert.match(text, /^left\{resource="core"\} 4990$/m);
  assert.match(text, /^left\{resource="search"\} 7$/m, 'a series only a thread has is shown');

  // Then the thread reads again, later still: its reading wins.
  await new Promise((r) => setTimeout(r, 5));
  threadLeft.set({ resource: 'core' }, 4980);
  text = await main.render([thread.snapshot()]);
  assert.match(text, /^left\{resource="core"\} 4980$/m);
  // Junk in a snapshot is ignored, not rendered.
  text = await main.render([{ left: [['resource="core"', 3], ['resource="core"', { counts: [1], sum: 1, count: 1 }]] }]);
  assert.match(text, /^left\{resource="core"\} 4990$/m);
});
