/**
 * Operations end to end (issue #4, "Operations" and the decision log): the `decisions` rows an operator
 * reads after real evaluations on the local GitHub, and the log lines `checks-out serve` prints about a
 * delivery — from the intake and from its worker thread (its ids, and no secret). GET /metrics is covered
 * in test/service/metrics-e2e.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Selectable } from 'kysely';
import type { LocalGitHub } from '../../../src/local-github/server.js';
import type { DecisionsTable } from '../../../src/service/db/schema.js';
import { openDatabase, type ServiceDb } from '../../../src/service/db/connect.js';
import { ORG, REPO, withWorld, type World } from './harness.js';
import { serveEnv, settleService, spawnServe } from './serve-env.js';

// ---------------------------------------------------------------------------------------------------
// The decision log

type DecisionRow = Omit<Selectable<DecisionsTable>, 'id' | 'repo' | 'pr_number'>;

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

test('decision log: one decision for a burst names every delivery coalesced into it', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.pauseWorkers();
    await w.tick();
    w.lg.admin.comment(REPO, pr.number, 'carol', 'looks fine');
    await w.lg.webhooks.idle();
    await w.tick();
    w.lg.admin.comment(REPO, pr.number, 'bob', 'I approve');
    await w.lg.webhooks.idle();
    const before = await w.decisionCount(pr.number);
    await w.resumeWorkers();
    assert.equal(await w.decisionCount(pr.number), before + 1);
    const row = await latestDecisionRow(w, pr.number);
    // Oldest first, as received.
    assert.deepEqual(JSON.parse(row.deliveries), sentDeliveries(w.lg, 'issue_comment', 'created'));
    assert.deepEqual([row.approvers, row.state], ['["bob"]', 'success']);
  });
});

test('decision log: a decision made in a follow-up job leads back to the webhook delivery that asked for it', async () => {
  await withWorld({}, async (w) => {
    // The branch is pushed before the PR exists, so its check suite names no PR: the suite's job finds the
    // PR by the head SHA and hands it to a follow-up job on the PR's own key.
    const pr = await w.openPull();
    const suite = sentDeliveries(w.lg, 'check_suite', 'requested')[0];
    assert.ok(suite);
    const rows = await decisionRows(w, pr.number);
    const internal = rows.flatMap((r) => (JSON.parse(r.deliveries) as string[]).filter((id) => id.startsWith('internal:')));
    assert.equal(internal.length, 1, `one decision made in a follow-up job: ${JSON.stringify(rows.map((r) => r.deliveries))}`);
    const followUp = await w.sdb.db.selectFrom('deliveries').select('payload').where('id', '=', internal[0]).executeTakeFirstOrThrow();
    assert.deepEqual((JSON.parse(followUp.payload) as { origin?: unknown }).origin, [suite]);
  });
});
// ---------------------------------------------------------------------------------------------------
// Logs: `checks-out serve` as its own process (intake on the main thread, jobs in a worker thread, both
// logging pino JSON lines to stdout), against a local GitHub of our own.

interface Served {
  lg: LocalGitHub;
  env: Record<string, string>;
  /** Every line the process printed on stdout so far. */
  out: string[];
  settle(): Promise<void>;
  close(): Promise<void>;
}

async function serveProcess(extraEnv: Record<string, string>): Promise<Served> {
  const gh = await serveEnv({ dirPrefix: 'checks-out-logs-' });
  let child: ChildProcess | undefined;
  let sdb: ServiceDb | undefined;
  const close = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await sdb?.close().catch(() => {});
    await gh.cleanup();
  };
  try {
    const env: Record<string, string> = { ...gh.env, LOG_LEVEL: 'debug', ...extraEnv };
    const out: string[] = [];
    const started = await spawnServe(env, gh.dir, (line) => out.push(line));
    child = started.child;
    gh.app.webhook_url = `${started.url}/hook`;
    const db = openDatabase('sqlite', env.DB_SOURCE);
    sdb = db;
    const busy = async () => (await db.db.selectFrom('deliveries').select('id').where('status', 'in', ['pending', 'running']).execute()).length;
    const settle = () => settleService(gh.lg, busy, 90_000);
    gh.lg.admin.install(gh.app.id, ORG, 'all');
    await settle();
    return { lg: gh.lg, env, out, settle, close };
  } catch (err) {
    await close();
    throw err;
  }
}

type Line = Record<string, unknown>;

test('logs: a delivery\'s lines carry its id, the repository and the PR; no secret appears in any line, failures included', async () => {
  const s = await serveProcess({ QUEUE_MAX_ATTEMPTS: '2' });
  try {
    s.lg.admin.push(REPO, { branch: 'feature', files: { 'src/feature.ts': 'export {};\n' }, author: 'alice' });
    const pr = s.lg.admin.openPull(REPO, { author: 'alice', title: 'A feature', head: 'feature' }).number;
    await s.settle();
    // A job that fails for good (GitHub answers 404 to both attempts; a 4xx is not retried in the attempt):
    // its error, with the request it made, is logged too.
    s.lg.faults.add({ method: 'GET', path: `/repos/${REPO}/issues/*/comments`, kind: 'status', status: 404, times: 2 });
    s.lg.admin.comment(REPO, pr, 'carol', 'looks risky');
    await s.settle();
    s.lg.faults.list().forEach((f) => s.lg.faults.remove(f.id));
    s.lg.admin.comment(REPO, pr, 'bob', 'I approve');
    await s.settle();

    // Every line but the banner is a pino JSON line; the jobs' lines come from the worker thread.
    const raw = s.out.filter((l) => !l.startsWith('checks-out listening on '));
    const lines = raw.map((l) => JSON.parse(l) as Line);
    assert.ok(lines.some((l) => l.thread === 0 && l.component === 'worker'), 'lines from the worker thread');
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
      for (const l of job) assert.deepEqual([l.repo, l.pr, l.job, l.component], [REPO, pr, `pr:${prKey}`, 'worker'], JSON.stringify(l));
      assert.ok(job.some((l) => l.msg === 'delivery processed' && l.delivery === id && l.event === 'issue_comment'));
    }
    const [failed, approved] = comments;
    const failure = lines.filter((l) => Array.isArray(l.deliveries) && l.deliveries.includes(failed) && l.msg === 'job failed for good');
    assert.equal(failure.length, 1);
    assert.equal(failure[0].level, 50);
    assert.equal((failure[0].err as Line).status, 404, 'the GitHub error (with its request) is in the line the secrets are looked for in');
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

    // One type for one field in every line (a log store that types fields would split or reject the others).
    assert.deepEqual(new Set(lines.filter((l) => 'pr' in l).map((l) => typeof l.pr)), new Set(['number']));
  } finally {
    await s.close();
  }
});

