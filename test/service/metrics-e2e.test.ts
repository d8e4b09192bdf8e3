/**
 * GET /metrics end to end (issue #4, "Operations"): the Prometheus text parsed and its values checked
 * against what really happened — evaluations on the local GitHub with workers on the main thread and in
 * worker threads (merged), and an intake without workers (deliveries by outcome, queue depth).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { pino } from 'pino';
import type { LocalGitHub } from '../../src/local-github/server.js';
import { loadConfig } from '../../src/service/config/load.js';
import { shardOf } from '../../src/service/db/shard.js';
import { HANDLED_EVENTS } from '../../src/service/intake/app.js';
import { makePipelineHandler } from '../../src/service/pipeline/service-handler.js';
import { startService, type RunningService, type StartOptions } from '../../src/service/server.js';
import { pipelineThreads } from '../../src/service/threads/pipeline-thread.js';
import { CONTEXT, REPO, withWorld } from './e2e/harness.js';
import { offlineConfig } from './helpers/offline-config.js';
import { attachService, serveEnv } from './e2e/serve-env.js';

// ---------------------------------------------------------------------------------------------------
// GET /metrics

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition (0.0.4) → samples; `# TYPE` lines checked against the sample names. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `a sample line: ${line}`);
    const labels: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value), line);
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]) || types.get(family) === 'histogram', `${m[1]} follows its # TYPE line`);
    samples.push({ name: m[1], labels, value });
  }
  return { samples, types };
}

function matching(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return matching(samples, name, labels).reduce((n, s) => n + s.value, 0);
}

/** The one sample with exactly these labels (fails when absent). */
function one(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = matching(samples, name, labels).filter((s) => Object.keys(s.labels).length === Object.keys(labels).length);
  assert.equal(found.length, 1, `${name}${JSON.stringify(labels)} in ${JSON.stringify(matching(samples, name))}`);
  return found[0].value;
}

/** A histogram series is well formed: cumulative buckets, +Inf equal to the count. Returns its count. */
function histogramCount(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const buckets = matching(samples, `${name}_bucket`, labels).map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), n: s.value }));
  assert.ok(buckets.length > 1, `${name} has buckets`);
  for (let i = 1; i < buckets.length; i++) {
    assert.ok(buckets[i].le > buckets[i - 1].le && buckets[i].n >= buckets[i - 1].n, `${name} buckets are cumulative: ${JSON.stringify(buckets)}`);
  }
  const count = one(samples, `${name}_count`, labels);
  assert.equal(buckets.at(-1)?.le, Infinity);
  assert.equal(buckets.at(-1)?.n, count);
  assert.ok(one(samples, `${name}_sum`, labels) >= 0);
  return count;
}

async function scrape(metricsUrl: string): Promise<Sample[]> {
  const res = await fetch(metricsUrl);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const { samples, types } = parseMetrics(await res.text());
  assert.equal(types.get('checksout_job_duration_seconds'), 'histogram');
  assert.equal(types.get('checksout_github_requests_total'), 'counter');
  assert.equal(types.get('checksout_github_rate_limit_remaining'), 'gauge');
  assert.equal(types.get('checksout_webhook_deliveries_total'), 'counter');
  assert.equal(types.get('checksout_queue_jobs'), 'gauge');
  return samples;
}

/** What the service answered each delivery the local GitHub sent it (`queued`, `ignored`, `duplicate`), by event. */
function answeredDeliveries(lg: LocalGitHub): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of lg.state.deliveries.values()) {
    if (d.target.kind !== 'app') continue;
    // Events the service does not handle are answered `pong` (plain text), and counted as ignored.
    const text = d.response?.payload ?? '';
    const status = text === 'pong' ? 'ignored' : ((JSON.parse(text) as { status?: string }).status ?? '?');
    const event = HANDLED_EVENTS.has(d.event) ? d.event : 'other';
    const key = `${event}/${status}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Statuses in our context the app posted, and check runs it created, on `shas`. */
async function reportsOn(w: { lg: LocalGitHub }, token: string, apiUrl: string, shas: string[]): Promise<{ statuses: number; runs: number }> {
  let statuses = 0;
  let runs = 0;
  for (const sha of shas) {
    const res = await fetch(`${apiUrl}/repos/${REPO}/commits/${sha}/statuses?per_page=100`, { headers: { authorization: `token ${token}` } });
    const list = (await res.json()) as { context: string; creator: { login: string } }[];
    statuses += list.filter((s) => s.context === CONTEXT && s.creator.login === 'checks-out[bot]').length;
    const r = await fetch(`${apiUrl}/repos/${REPO}/commits/${sha}/check-runs?per_page=100`, { headers: { authorization: `token ${token}` } });
    runs += ((await r.json()) as { check_runs: { app: { slug: string } }[] }).check_runs.filter((c) => c.app.slug === 'checks-out').length;
  }
  return { statuses, runs };
}

test('GET /metrics after real evaluations: job latency, GitHub calls by route, rate limit left, deliveries by event, queue depth', async () => {
  await withWorld({ viaService: true }, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    await w.review(pr.number, 'carol', 'REQUEST_CHANGES', 'wait');
    await w.tick();
    w.lg.admin.status(REPO, w.headSha(pr.number), 'mallory', 'success', CONTEXT, 'approved by everyone');
    await w.settle();
    assert.deepEqual(w.jobErrors, []);
    const s = await scrape(w.hookUrl.replace(/\/hook$/, '/metrics'));

    // Evaluation latency, filled by the workers: one observation per job, all of them successes.
    const jobs = histogramCount(s, 'checksout_job_duration_seconds', { outcome: 'success' });
    assert.ok(jobs > 0);
    assert.equal(total(s, 'checksout_job_duration_seconds_count'), jobs, 'no job failed');
    const decisions = await w.decisionCount(pr.number);
    assert.ok(jobs >= decisions && decisions >= 4, `${jobs} jobs, ${decisions} decisions`);
    assert.ok(one(s, 'checksout_job_duration_seconds_sum', { outcome: 'success' }) > 0);

    // GitHub calls by route: the writes are exactly what GitHub holds.
    const owner = w.token('owner');
    const posted = await reportsOn(w, owner, w.apiUrl, [w.headSha(pr.number)]);
    assert.equal(one(s, 'checksout_github_requests_total', { route: 'POST /repos/{owner}/{repo}/statuses/{sha}', status: '2xx' }), posted.statuses);
    assert.equal(one(s, 'checksout_github_requests_total', { route: 'POST /repos/{owner}/{repo}/check-runs', status: '2xx' }), posted.runs);
    assert.ok(posted.statuses >= 4, `statuses posted: ${posted.statuses}`);
    assert.ok(total(s, 'checksout_github_requests_total', { route: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}' }) >= 1);
    assert.ok(total(s, 'checksout_github_requests_total', { route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments' }) >= 1);
    // Every request was made by a job, and each job's requests were observed.
    assert.equal(total(s, 'checksout_github_requests_total'), one(s, 'checksout_github_requests_per_job_sum', { kind: 'requests' }));
    assert.ok(matching(s, 'checksout_github_requests_total').every((x) => !/\d{2,}|acme|widgets/.test(x.labels.route)), 'routes are templates');

    // The rate limit left is what the local GitHub says is left for the installation (its last answer).
    assert.equal(one(s, 'checksout_github_rate_limit_remaining', { resource: 'core' }), w.lg.rateLimiter.status(`inst:${w.installationId}`, 5000).remaining);
    assert.ok(w.lg.rateLimiter.status(`inst:${w.installationId}`, 5000).remaining < 5000);

    // Deliveries by event and outcome: one count per delivery the local GitHub sent, as the service answered it.
    const counted = new Map(matching(s, 'checksout_webhook_deliveries_total').map((x) => [`${x.labels.event}/${x.labels.outcome}`, x.value]));
    assert.deepEqual(counted, answeredDeliveries(w.lg));
    assert.equal(counted.get('issue_comment/queued'), 1);
    assert.equal(counted.get('pull_request_review/queued'), 1);
    assert.ok((counted.get('status/queued') ?? 0) >= 1, 'the forged status was queued');
    assert.equal(one(s, 'checksout_webhook_ack_seconds_count'), w.lg.state.deliveries.size);

    // Queue depth: nothing waiting, and as many finished deliveries as the database holds.
    const done = await w.sdb.db.selectFrom('deliveries').select('id').where('status', '=', 'done').execute();
    assert.deepEqual(
      Object.fromEntries(matching(s, 'checksout_queue_jobs').map((x) => [x.labels.status, x.value])),
      { pending: 0, running: 0, done: done.length, failed: 0 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// A service started from an environment, as `serve` starts it, on a local GitHub of our own: with worker
// threads (each has its own metrics, merged into GET /metrics), or with settings World does not take.

interface Served {
  lg: LocalGitHub;
  service: RunningService;
  installationId: number;
  apiUrl: string;
  env: Record<string, string>;
  settle(): Promise<void>;
  /** Pushes a branch and opens a PR from it; returns its number. */
  openPull(branch: string): Promise<number>;
  close(): Promise<void>;
}

async function serve(extraEnv: Record<string, string>, start: Omit<StartOptions, 'logger'> & { logger?: StartOptions['logger'] }): Promise<Served> {
  const gh = await serveEnv({ dirPrefix: 'checks-out-obs-' });
  let service: RunningService | undefined;
  const closeAll = async () => {
    await service?.stop(2000).catch(() => {});
    await gh.cleanup();
  };
  try {
    const env: Record<string, string> = { ...gh.env, LOG_LEVEL: 'warn', ...extraEnv };
    const { config, errors } = loadConfig(env);
    assert.deepEqual(errors ?? [], []);
    assert.ok(config);
    const running = await startService(config, { logger: pino({ level: 'silent' }), ...start });
    service = running;
    const { installationId, settle } = await attachService(gh, running);
    return {
      lg: gh.lg,
      service: running,
      installationId,
      apiUrl: gh.apiUrl,
      env,
      settle,
      async openPull(branch) {
        gh.lg.admin.push(REPO, { branch, files: { [`src/${branch}.ts`]: 'export {};\n' }, author: 'alice' });
        const n = gh.lg.admin.openPull(REPO, { author: 'alice', title: `Change ${branch}`, head: branch }).number;
        await settle();
        return n;
      },
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * GET /metrics once every thread's series are in it: a scrape leaves out a thread that does not answer
 * within a second (threads/pool.ts), which happens on a loaded machine. The state is settled, so the
 * number of jobs tells whether every thread answered.
 */
async function scrapeThreads(s: Served, jobs: number): Promise<Sample[]> {
  let seen = -1;
  for (let i = 0; i < 10; i++) {
    const m = await scrape(`${s.service.url}/metrics`);
    seen = total(m, 'checksout_job_duration_seconds_count');
    if (seen === jobs) return m;
  }
  assert.fail(`/metrics never showed the ${jobs} jobs of both threads (last: ${seen})`);
}

/** A service with two worker threads, and approved PRs (at least three) whose jobs both threads ran. */
async function servedByTwoThreads(): Promise<{ s: Served; prs: number[] }> {
  const s = await serve({ WORKER_THREADS: '2', WORKER_CONCURRENCY: '2' }, { threaded: pipelineThreads({ client: { throttling: false, retryAfterBaseMs: 1 } }) });
  try {
    assert.ok(s.service.threads);
    // PRs until both threads own one (a PR's jobs go to thread shardOf(key) % 2).
    const prs: number[] = [];
    const shards = new Set<number>();
    while (shards.size < 2 || prs.length < 3) {
      const n = await s.openPull(`t-${prs.length}`);
      prs.push(n);
      shards.add(shardOf(`${REPO}#${n}`) % 2);
      assert.ok(prs.length < 12, 'PR keys fall into both shards');
    }
    for (const n of prs) s.lg.admin.comment(REPO, n, 'bob', 'I approve');
    await s.settle();
    return { s, prs };
  } catch (err) {
    await s.close();
    throw err;
  }
}

test('GET /metrics with worker threads: latency and GitHub calls add up across threads, the rate limit left is the freshest reading', async (t) => {
  const { s, prs } = await servedByTwoThreads();
  try {
    assert.ok(s.service.threads);

    const pool = s.service.threads;
    const threads = await pool.metrics(10_000);
    assert.equal(threads.length, 2);
    const left = threads.map((t) => {
      const series = t.checksout_github_rate_limit_remaining ?? [];
      assert.equal(series.length, 1, 'each thread called GitHub');
      assert.equal(series[0][0], 'core');
      // A plain number, or a reading stamped with its time (a gauge merged by the latest reading).
      const v = series[0][1];
      return typeof v === 'number' ? v : 'value' in v ? v.value : NaN;
    });
    const jobsOf = (t: (typeof threads)[number]) => (t.checksout_job_duration_seconds ?? []).reduce((n, [, v]) => n + (typeof v === 'object' && 'count' in v ? v.count : 0), 0);
    const statusPostsOf = (t: (typeof threads)[number]) =>
      (t.checksout_github_requests_total ?? []).filter(([k]) => k.startsWith('POST /repos/{owner}/{repo}/statuses/{sha}\u0000')).reduce((n, [, v]) => n + (v as number), 0);

    const m = await scrapeThreads(s, jobsOf(threads[0]) + jobsOf(threads[1]));
    // The freshest reading wins: the thread that spoke to GitHub last saw the least left, which is what GitHub says.
    // (Each thread's last request is a counted write, so the two differ: the merge rule is really exercised.)
    assert.notEqual(left[0], left[1]);
    const merged = one(m, 'checksout_github_rate_limit_remaining', { resource: 'core' });
    assert.equal(merged, Math.min(...left), `threads saw ${left.join(', ')}`);
    assert.equal(merged, s.lg.rateLimiter.status(`inst:${s.installationId}`, 5000).remaining);

    // Counters and histograms add up: every job ran in a thread, none on the intake's.
    const jobs = histogramCount(m, 'checksout_job_duration_seconds', { outcome: 'success' });
    assert.equal(jobs, jobsOf(threads[0]) + jobsOf(threads[1]));
    assert.ok(jobsOf(threads[0]) > 0 && jobsOf(threads[1]) > 0, 'both threads ran jobs');
    assert.equal(total(m, 'checksout_job_duration_seconds_count'), jobs, 'no job failed');
    const owner = s.lg.admin.token('owner');
    const posted = await reportsOn(s, owner, s.apiUrl, prs.map((n) => s.lg.admin.pull(REPO, n).head.sha));
    assert.ok(posted.statuses >= prs.length * 2, `statuses posted: ${posted.statuses}`);
    assert.equal(one(m, 'checksout_github_requests_total', { route: 'POST /repos/{owner}/{repo}/statuses/{sha}', status: '2xx' }), posted.statuses);
    assert.equal(posted.statuses, statusPostsOf(threads[0]) + statusPostsOf(threads[1]));
    // Deliveries are counted where they arrive (the intake's thread), queue depth read from the database.
    assert.equal(total(m, 'checksout_webhook_deliveries_total', { event: 'issue_comment', outcome: 'queued' }), prs.length);
    assert.deepEqual([one(m, 'checksout_queue_jobs', { status: 'pending' }), one(m, 'checksout_queue_jobs', { status: 'running' })], [0, 0]);

    // Regression (metrics.ts once kept the lowest of the threads' last readings): after a window reset, an
    // idle thread's old reading must not hide the fresh one.
    await t.test('after GitHub\'s rate-limit window resets, the gauge follows the fresh reading', async () => {
      // A new hour on GitHub: every window starts again. Then only one thread has work.
      s.lg.rateLimiter.reset();
      s.lg.admin.comment(REPO, prs[0], 'carol', 'I approve');
      await s.settle();
      const fresh = await scrapeThreads(s, jobs + 1);
      const now = s.lg.rateLimiter.status(`inst:${s.installationId}`, 5000).remaining;
      assert.ok(now > 4980, `GitHub says ${now} left`);
      assert.equal(one(fresh, 'checksout_github_rate_limit_remaining', { resource: 'core' }), now);
    });
  } finally {
    await s.close();
  }
});

test('GET /metrics of an intake without workers: deliveries by event and outcome, and the queue depth they leave', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-obs-'));
  const secret = randomBytes(16).toString('hex');
  const config = offlineConfig(dir, secret);
  const service = await startService(config, { logger: pino({ level: 'silent' }), noWorkers: true });
  const post = async (event: string, delivery: string, payload: unknown, key = secret) => {
    const body = JSON.stringify(payload);
    const res = await fetch(`${service.url}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(key, body) },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  };
  const comment = (n: number) => ({ action: 'created', repository: { full_name: REPO }, issue: { number: n, pull_request: {} }, comment: { body: 'I approve' } });
  try {
    assert.equal(await post('issue_comment', 'c-1', comment(1)), 202);
    assert.equal(await post('issue_comment', 'c-2', comment(2)), 202);
    assert.equal(await post('issue_comment', 'c-3', comment(2)), 202);
    assert.equal(await post('issue_comment', 'c-1', comment(1)), 200, 'a duplicate');
    assert.equal(await post('issue_comment', 'c-4', comment(3), 'not the secret'), 401);
    assert.equal(await post('ping', 'p-1', { zen: 'hi' }), 200);
    assert.equal(await post('fork', 'f-1', { repository: { full_name: REPO } }), 200);
    const m = await scrape(`${service.url}/metrics`);
    assert.deepEqual(
      new Map(matching(m, 'checksout_webhook_deliveries_total').map((x) => [`${x.labels.event}/${x.labels.outcome}`, x.value])),
      new Map([['issue_comment/queued', 3], ['issue_comment/duplicate', 1], ['issue_comment/unauthorized', 1], ['ping/ignored', 1], ['other/ignored', 1]]),
    );
    assert.equal(histogramCount(m, 'checksout_webhook_ack_seconds'), 7);
    assert.deepEqual(
      Object.fromEntries(matching(m, 'checksout_queue_jobs').map((x) => [x.labels.status, x.value])),
      { pending: 3, running: 0, done: 0, failed: 0 },
    );
    // Nothing evaluated: no latency observed, no GitHub call, no rate limit known.
    assert.deepEqual(matching(m, 'checksout_job_duration_seconds_count'), []);
    assert.deepEqual(matching(m, 'checksout_github_requests_total'), []);
    assert.deepEqual(matching(m, 'checksout_github_rate_limit_remaining'), []);
  } finally {
    await service.stop(1000);
    rmSync(dir, { recursive: true, force: true });
  }
});


test('GET /metrics through a failure: a dead job, its 5xx calls and the failed delivery, then GitHub\'s redelivery requeued', async () => {
  const s = await serve(
    { QUEUE_MAX_ATTEMPTS: '1' },
    { makeHandler: (deps) => makePipelineHandler(deps, { wake: deps.wake, client: { throttling: false, retryAfterBaseMs: 1 } }) },
  );
  try {
    const pr = await s.openPull('feature');
    const comments = { route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments' };
    const before = await scrape(`${s.service.url}/metrics`);
    // Every try of the one attempt allowed (the client's first request and its 3 retries) gets a 500.
    s.lg.faults.add({ method: 'GET', path: `/repos/${REPO}/issues/*/comments`, kind: 'status', status: 500, times: 4 });
    s.lg.admin.comment(REPO, pr, 'bob', 'I approve');
    await s.settle();
    let m = await scrape(`${s.service.url}/metrics`);
    assert.equal(histogramCount(m, 'checksout_job_duration_seconds', { outcome: 'dead' }), 1);
    assert.equal(one(m, 'checksout_github_requests_total', { ...comments, status: '5xx' }), 4);
    assert.equal(one(m, 'checksout_queue_jobs', { status: 'failed' }), 1);
    assert.equal(one(m, 'checksout_queue_jobs', { status: 'pending' }), 0);
    // The give-up report is still written (status `error`): one more status than before.
    const statusRoute = { route: 'POST /repos/{owner}/{repo}/statuses/{sha}', status: '2xx' };
    assert.equal(one(m, 'checksout_github_requests_total', statusRoute), one(before, 'checksout_github_requests_total', statusRoute) + 1);

    // GitHub redelivers the same delivery id: the failed delivery is queued again and now succeeds.
    const failed = [...s.lg.state.deliveries.values()].find((d) => d.event === 'issue_comment');
    assert.ok(failed);
    await s.lg.webhooks.redeliver(failed.id);
    await s.settle();
    m = await scrape(`${s.service.url}/metrics`);
    assert.equal(one(m, 'checksout_webhook_deliveries_total', { event: 'issue_comment', outcome: 'requeued' }), 1);
    assert.equal(one(m, 'checksout_webhook_deliveries_total', { event: 'issue_comment', outcome: 'queued' }), 1);
    assert.equal(one(m, 'checksout_queue_jobs', { status: 'failed' }), 0);
    assert.ok(histogramCount(m, 'checksout_job_duration_seconds', { outcome: 'success' }) > histogramCount(before, 'checksout_job_duration_seconds', { outcome: 'success' }));
    assert.ok(one(m, 'checksout_github_requests_total', { ...comments, status: '2xx' }) >= 1);
    const [status] = await fetch(`${s.apiUrl}/repos/${REPO}/commits/${s.lg.admin.pull(REPO, pr).head.sha}/statuses`, {
      headers: { authorization: `token ${s.lg.admin.token('owner')}` },
    }).then((r) => r.json() as Promise<{ state: string; description: string }[]>);
    assert.deepEqual([status.state, status.description], ['success', 'approved by bob']);
  } finally {
    await s.close();
  }
});
