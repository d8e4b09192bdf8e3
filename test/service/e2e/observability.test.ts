/**
 * Operations end to end (issue #4, "Operations" and the decision log): what an operator reads after real
 * evaluations on the local GitHub — the `decisions` rows, GET /metrics parsed as Prometheus text (main-thread
 * workers, worker threads merged, an idle queue), and the pino lines of a delivery (its ids, and no secret).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { pino } from 'pino';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import { loadConfig } from '../../../src/service/config/load.js';
import type { ServiceConfig } from '../../../src/service/config/types.js';
import { shardOf } from '../../../src/service/db/shard.js';
import { HANDLED_EVENTS } from '../../../src/service/intake/app.js';
import { createLogger } from '../../../src/service/logger.js';
import { makePipelineHandler } from '../../../src/service/pipeline/service-handler.js';
import { generateSecretKey } from '../../../src/service/secrets.js';
import { startService, type RunningService, type StartOptions } from '../../../src/service/server.js';
import { pipelineThreads } from '../../../src/service/threads/pipeline-thread.js';
import { CONTEXT, ORG, REPO, withWorld, type World } from './harness.js';

// ---------------------------------------------------------------------------------------------------
// The decision log

interface DecisionRow {
  head_sha: string;
  policy: string | null;
  approvers: string;
  disapprovers: string;
  config_hash: string | null;
  state: string;
  description: string;
  decided_at: number;
  deliveries: string;
}

async function decisionRows(w: World, pr: number): Promise<DecisionRow[]> {
  return w.sdb.db
    .selectFrom('decisions')
    .select(['head_sha', 'policy', 'approvers', 'disapprovers', 'config_hash', 'state', 'description', 'decided_at', 'deliveries'])
    .where('repo', '=', REPO)
    .where('pr_number', '=', pr)
    .orderBy('id', 'asc')
    .execute();
}

async function latestDecisionRow(w: World, pr: number): Promise<DecisionRow> {
  const row = (await decisionRows(w, pr)).at(-1);
  assert.ok(row, `a decision for #${pr}`);
  return row;
}

/** The decision a webhook delivery led to (the job it was processed in). */
async function decisionLedBy(w: World, pr: number, delivery: string): Promise<DecisionRow> {
  const rows = await decisionRows(w, pr);
  const row = rows.find((r) => (JSON.parse(r.deliveries) as string[]).includes(delivery));
  assert.ok(row, `a decision names ${delivery}: ${JSON.stringify(rows.map((r) => r.deliveries))}`);
  return row;
}

/** The X-GitHub-Delivery ids the local GitHub sent for `event.action` (newest last). */
function sentDeliveries(lg: LocalGitHub, event: string, action?: string): string[] {
  return [...lg.state.deliveries.values()].filter((d) => d.event === event && (action === undefined || d.action === action)).map((d) => d.guid);
}

/** The row says what GitHub shows: the status text and state, on the head, from deliveries the service holds. */
async function assertRowMatchesGitHub(w: World, pr: number, row: DecisionRow, ledBy: string): Promise<void> {
  assert.equal(row.head_sha, w.headSha(pr));
  const status = await w.status(pr);
  assert.equal(row.state, status?.state);
  assert.equal(row.description, status?.description);
  const ids = JSON.parse(row.deliveries) as unknown;
  assert.ok(Array.isArray(ids) && ids.every((x) => typeof x === 'string'), row.deliveries);
  assert.ok(ids.includes(ledBy), `${row.deliveries} names the delivery ${ledBy}`);
  const known = await w.sdb.db.selectFrom('deliveries').select('id').where('id', 'in', ids as string[]).execute();
  assert.equal(known.length, ids.length, 'every delivery named was received');
}

const NAMED = '{ approvals: [ { name: "core-review", match: "all[count=1,self=false]" } ] }\n';

test('decision log: a named policy, approvers, the status text, the time, the deliveries; the config hash follows the config', async () => {
  await withWorld({ config: NAMED }, async (w) => {
    const pr = await w.openPull();
    const opened = await decisionLedBy(w, pr.number, sentDeliveries(w.lg, 'pull_request', 'opened')[0]);
    assert.equal(opened.policy, 'core-review');
    assert.equal(opened.approvers, '[]');
    assert.equal(opened.disapprovers, '[]');
    assert.equal(opened.state, 'pending');
    assert.equal(opened.description, 'no approvals received');
    assert.equal(opened.head_sha, w.headSha(pr.number));
    assert.match(opened.config_hash ?? '', /^\S{8,}$/);

    const before = w.clock.now();
    await w.comment(pr.number, 'bob', 'I approve');
    const after = w.clock.now();
    const approved = await latestDecisionRow(w, pr.number);
    assert.deepEqual(
      { policy: approved.policy, approvers: approved.approvers, disapprovers: approved.disapprovers, state: approved.state, description: approved.description },
      { policy: 'core-review', approvers: '["bob"]', disapprovers: '[]', state: 'success', description: 'approved by bob' },
    );
    await assertRowMatchesGitHub(w, pr.number, approved, sentDeliveries(w.lg, 'issue_comment', 'created').at(-1)!);
    assert.ok(approved.decided_at >= before && approved.decided_at <= after, `decided_at ${approved.decided_at} in [${before}, ${after}]`);
    assert.ok(approved.decided_at >= opened.decided_at);
    assert.equal(approved.config_hash, opened.config_hash, 'the same config hashes the same');

    // A new policy on the default branch: the next decision is made under it, with another hash.
    await w.push('main', { '.checks-out': '{ approvals: [ { name: "two-of-us", match: "all[count=2,self=false]" } ] }\n' }, 'owner');
    await w.comment(pr.number, 'carol', 'I approve');
    const changed = await latestDecisionRow(w, pr.number);
    assert.equal(changed.policy, 'two-of-us');
    assert.equal(changed.approvers, '["bob","carol"]');
    assert.equal(changed.state, 'success');
    assert.notEqual(changed.config_hash, opened.config_hash, 'a changed config hashes differently');
    await assertRowMatchesGitHub(w, pr.number, changed, sentDeliveries(w.lg, 'issue_comment', 'created').at(-1)!);

    // Back to the first text: back to the first hash (the hash is of the content, not of the commit).
    await w.push('main', { '.checks-out': NAMED }, 'owner');
    await w.comment(pr.number, 'dave', 'I approve');
    assert.equal((await latestDecisionRow(w, pr.number)).config_hash, opened.config_hash);
    assert.deepEqual(w.jobErrors, []);
  });
});

test('decision log: an unnamed policy is logged by position; a disapproval logs its disapprovers', async () => {
  const config = `{
    approvals: [
      { name: "release", scope: { branches: ["release"] }, match: "all[count=2,self=false]" }
      { match: "all[count=1,self=false]" }
    ]
  }\n`;
  await withWorld({ config }, async (w) => {
    const pr = await w.openPull();
    assert.equal((await latestDecisionRow(w, pr.number)).policy, '#2');

    await w.review(pr.number, 'carol', 'REQUEST_CHANGES', 'not like this');
    const blocked = await latestDecisionRow(w, pr.number);
    assert.deepEqual(
      { policy: blocked.policy, approvers: blocked.approvers, disapprovers: blocked.disapprovers, state: blocked.state, description: blocked.description },
      { policy: '#2', approvers: '[]', disapprovers: '["carol"]', state: 'pending', description: 'blocked by carol' },
    );
    await assertRowMatchesGitHub(w, pr.number, blocked, sentDeliveries(w.lg, 'pull_request_review', 'submitted').at(-1)!);

    // Another person's approval does not lift a disapproval, and while blocked the approval policy is not
    // evaluated, so no approvers are reported (spec §3.6 step 3).
    await w.comment(pr.number, 'bob', 'I approve');
    const still = await latestDecisionRow(w, pr.number);
    assert.deepEqual([still.approvers, still.disapprovers, still.state, still.description], ['[]', '["carol"]', 'pending', 'blocked by carol']);

    // The disapprover's own approval cancels the disapproval (spec §3.5).
    await w.review(pr.number, 'carol', 'APPROVE');
    const lifted = await latestDecisionRow(w, pr.number);
    assert.deepEqual([lifted.policy, lifted.disapprovers, lifted.state], ['#2', '[]', 'success']);
    assert.deepEqual(JSON.parse(lifted.approvers), ['bob', 'carol']);
    await assertRowMatchesGitHub(w, pr.number, lifted, sentDeliveries(w.lg, 'pull_request_review', 'submitted').at(-1)!);
  });
});

test('decision log: no policy applied (a broken config) is logged with policy null and the config hash', async () => {
  await withWorld({ config: '{ approvals: [ { match: "all[count=1" } ] }\n' }, async (w) => {
    const pr = await w.openPull();
    const row = await decisionLedBy(w, pr.number, sentDeliveries(w.lg, 'pull_request', 'opened')[0]);
    assert.deepEqual(await w.status(pr.number), { state: row.state, description: row.description, creator: 'checks-out[bot]' });
    assert.equal(row.policy, null);
    assert.equal(row.approvers, '[]');
    assert.equal(row.disapprovers, '[]');
    assert.equal(row.state, 'error');
    assert.match(row.config_hash ?? '', /^\S{8,}$/);

    // A fix on the default branch: a policy applies again, under another hash.
    await w.push('main', { '.checks-out': '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n' }, 'owner');
    await w.comment(pr.number, 'bob', 'I approve');
    const fixed = await latestDecisionRow(w, pr.number);
    assert.deepEqual([fixed.policy, fixed.approvers, fixed.state], ['#1', '["bob"]', 'success']);
    assert.notEqual(fixed.config_hash, row.config_hash);
  });
});

test(
  'decision log: a decision made in a follow-up job leads back to the webhook delivery that asked for it',
  {
    todo:
      'product gap: a check_suite (or status) delivery hands the PR to a follow-up job (pipeline/handler.ts followUpDelivery) ' +
      'whose decision names only `internal:<uuid>`; the follow-up payload keeps the event names (`reason`), not the delivery ids, ' +
      'so the decision log cannot say which webhook led to it',
  },
  async () => {
    await withWorld({}, async (w) => {
      const pr = await w.openPull();
      const suite = sentDeliveries(w.lg, 'check_suite', 'requested')[0];
      assert.ok(suite);
      const rows = await decisionRows(w, pr.number);
      const internal = rows.flatMap((r) => (JSON.parse(r.deliveries) as string[]).filter((id) => id.startsWith('internal:')));
      assert.ok(internal.length > 0, 'the check suite was evaluated in a follow-up job');
      const followUps = await w.sdb.db.selectFrom('deliveries').select('payload').where('id', 'in', internal).execute();
      const traced = rows.some((r) => r.deliveries.includes(suite)) || followUps.some((f) => f.payload.includes(suite));
      assert.ok(traced, `the decisions ${JSON.stringify(rows.map((r) => r.deliveries))} lead back to ${suite}`);
    });
  },
);

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
    const status = (JSON.parse(d.response?.payload ?? '{}') as { status?: string }).status ?? '?';
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
// A service started from an environment, as `serve` starts it, on a local GitHub of our own: for worker
// threads (their own loggers and metrics) and for capturing the main thread's log lines.

interface Served {
  lg: LocalGitHub;
  service: RunningService;
  config: ServiceConfig;
  installationId: number;
  apiUrl: string;
  env: Record<string, string>;
  settle(): Promise<void>;
  /** Pushes a branch and opens a PR from it; returns its number. */
  openPull(branch: string): Promise<number>;
  close(): Promise<void>;
}

async function serve(extraEnv: Record<string, string>, start: Omit<StartOptions, 'logger'> & { logger?: StartOptions['logger'] }): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-obs-'));
  const lg = createLocalGitHub();
  const closeAll = async (service?: RunningService) => {
    await service?.stop(2000).catch(() => {});
    await lg.webhooks.idle().catch(() => {});
    await lg.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { api_url, web_url } = await lg.start(0, '127.0.0.1');
    const admin = lg.admin;
    for (const u of ['alice', 'bob', 'carol', 'owner']) admin.createUser(u);
    admin.createOrg(ORG, { admins: ['owner'], members: ['alice', 'bob', 'carol'] });
    admin.createRepo(REPO, { files: { 'README.md': 'widgets\n', '.checks-out': '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n', MAINTAINERS: 'alice\nbob\ncarol\n' } });
    for (const u of ['alice', 'bob', 'carol']) admin.setCollaborator(REPO, u, 'write');
    const secret = randomBytes(16).toString('hex');
    const app = admin.createApp('checks-out', { webhook_url: null, webhook_secret: secret });
    const env = {
      GITHUB_APP_ID: String(app.id),
      GITHUB_APP_PRIVATE_KEY: app.private_key,
      GITHUB_WEBHOOK_SECRET: secret,
      GITHUB_URL: web_url,
      GITHUB_API_URL: api_url,
      DB_SOURCE: join(dir, 'service.sqlite'),
      SERVER_ADDR: '127.0.0.1:0',
      CHECKS_OUT_SECRET_KEY: generateSecretKey().toString('hex'),
      LOG_LEVEL: 'warn',
      ...extraEnv,
    };
    const { config, errors } = loadConfig(env);
    assert.deepEqual(errors ?? [], []);
    assert.ok(config);
    const service = await startService(config, { logger: pino({ level: 'silent' }), ...start });
    app.webhook_url = `${service.url}/hook`;
    const installationId = admin.install(app.id, ORG, 'all').id;
    const settle = async () => {
      let quiet = 0;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        await lg.webhooks.idle();
        const d = await service.queue.depth();
        if (d.pending + d.running === 0 && ++quiet >= 2) return;
        if (d.pending + d.running > 0) quiet = 0;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('the service did not settle');
    };
    await settle();
    return {
      lg,
      service,
      config,
      installationId,
      apiUrl: api_url,
      env,
      settle,
      async openPull(branch) {
        admin.push(REPO, { branch, files: { [`src/${branch}.ts`]: 'export {};\n' }, author: 'alice' });
        const n = admin.openPull(REPO, { author: 'alice', title: `Change ${branch}`, head: branch }).number;
        await settle();
        return n;
      },
      close: () => closeAll(service),
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
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const { config } = loadConfig({
    GITHUB_APP_ID: '1',
    GITHUB_APP_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: secret,
    DB_SOURCE: join(dir, 'service.sqlite'),
    SERVER_ADDR: '127.0.0.1:0',
    CHECKS_OUT_SECRET_KEY: generateSecretKey().toString('hex'),
  });
  assert.ok(config);
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

// ---------------------------------------------------------------------------------------------------
// Logs

type Line = Record<string, unknown>;

test('logs: a delivery\'s lines carry its id, the repository and the PR; no secret appears in any line, failures included', async (t) => {
  const raw: string[] = [];
  // The logger `serve` builds (with its redaction), writing into the array.
  const logger = createLogger('debug', { write: (line: string) => void raw.push(line) });
  const s = await serve(
    { QUEUE_MAX_ATTEMPTS: '2' },
    { logger, makeHandler: (deps) => makePipelineHandler(deps, { wake: deps.wake, client: { throttling: false, retryAfterBaseMs: 1 } }) },
  );
  try {
    const pr = await s.openPull('feature');
    // A job that fails for good (GitHub answers 500 to every try): its error is logged too.
    s.lg.faults.add({ method: 'GET', path: `/repos/${REPO}/issues/*/comments`, kind: 'status', status: 500, times: 8 });
    s.lg.admin.comment(REPO, pr, 'carol', 'looks risky');
    await s.settle();
    s.lg.faults.list().forEach((f) => s.lg.faults.remove(f.id));
    s.lg.admin.comment(REPO, pr, 'bob', 'I approve');
    await s.settle();

    const lines = raw.map((l) => JSON.parse(l) as Line);
    const comments = [...s.lg.state.deliveries.values()].filter((d) => d.event === 'issue_comment').map((d) => d.guid);
    assert.equal(comments.length, 2);
    const prKey = `${REPO}#${pr}`;
    for (const id of comments) {
      // Intake: one line per delivery, with the repository and PR number.
      const intake = lines.filter((l) => l.msg === 'webhook delivery' && l.delivery === id);
      assert.equal(intake.length, 1, id);
      assert.deepEqual([intake[0].event, intake[0].repo, intake[0].pr, intake[0].outcome], ['issue_comment', REPO, pr, 'queued']);
      // Worker: every line of the job it was processed in names it, the repository and the PR.
      const job = lines.filter((l) => Array.isArray(l.deliveries) && l.deliveries.includes(id));
      assert.ok(job.length >= 2, `job lines of ${id}: ${JSON.stringify(job)}`);
      for (const l of job) assert.deepEqual([l.repo, l.pr, l.component], [REPO, prKey, 'worker'], JSON.stringify(l));
      assert.ok(job.some((l) => l.msg === 'delivery processed' && l.delivery === id && l.event === 'issue_comment'));
    }
    const [failed, approved] = comments;
    const failure = lines.filter((l) => Array.isArray(l.deliveries) && l.deliveries.includes(failed) && l.msg === 'job failed for good');
    assert.equal(failure.length, 1);
    assert.equal(failure[0].level, 50);
    assert.equal((failure[0].err as Line).status, 500, 'the GitHub error (with its request) is in the line the secrets are looked for in');
    assert.ok(lines.some((l) => Array.isArray(l.deliveries) && l.deliveries.includes(approved) && l.msg === 'approved by bob' && l.state === 'success'));

    // No secret in any line: the webhook secret, the app's private key, the secret-at-rest key, any
    // installation token the local GitHub issued, any app JWT or Authorization value.
    const text = raw.join('');
    const tokens = [...s.lg.state.tokens].filter(([, t]) => t.kind === 'installation').map(([token]) => token);
    assert.ok(tokens.length >= 1, 'the service was issued an installation token');
    const keyLines = s.env.GITHUB_APP_PRIVATE_KEY.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
    assert.ok(keyLines.length > 10);
    for (const secret of [s.env.GITHUB_WEBHOOK_SECRET, s.env.CHECKS_OUT_SECRET_KEY, ...tokens, ...keyLines]) {
      assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 6)}…) appears in the logs`);
    }
    assert.doesNotMatch(text, /PRIVATE KEY/);
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{8,}\.eyJ/, 'an app JWT');
    assert.doesNotMatch(text, /(?:token|bearer) [A-Za-z0-9_.-]{20,}/i, 'an Authorization value');

    await t.test(
      'the `pr` field has one type in every line',
      {
        todo:
          'product gap: intake lines log `pr` as the PR number (intake/app.ts), worker lines as the queue key `owner/repo#n` ' +
          '(queue/worker.ts child logger); a log store that types fields (Elasticsearch, Loki JSON) rejects or splits one of them',
      },
      () => {
        const types = new Set(lines.filter((l) => 'pr' in l).map((l) => typeof l.pr));
        assert.deepEqual([...types], ['number']);
      },
    );
  } finally {
    await s.close();
  }
});

