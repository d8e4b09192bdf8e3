/**
 * Webhook events end to end that other files do not cover: closing and reopening a PR, `ready_for_review`
 * and `pull_request_review.edited` (the local GitHub never sends them: a real delivery is replayed with
 * that action), a `check_suite.requested` that arrives alone, a PR that breaks MAINTAINERS, the same
 * delivery posted twice over HTTP, and proof that the injected faults of failures.test.ts fire and that
 * the queue retries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { checksFor } from '../../../src/local-github/checks/index.js';
import { testDatabases } from '../helpers/databases.js';
import { CONTEXT, REPO, RUN_NAME, withWorld, type World } from './harness.js';
import { sendWebhook } from './send-webhook.js';

const [owner, repo] = REPO.split('/');

/** The payload of the latest delivery GitHub sent for `event.action`, as JSON. */
function lastPayload(w: World, event: string, action: string): Record<string, unknown> {
  const d = [...w.lg.state.deliveries.values()].reverse().find((x) => x.event === event && x.action === action);
  assert.ok(d, `GitHub sent no ${event}.${action}`);
  return JSON.parse(d.request.payload) as Record<string, unknown>;
}

async function statusCount(w: World, sha: string): Promise<number> {
  const { data } = await w.as('owner').rest.repos.listCommitStatusesForRef({ owner, repo, ref: sha, per_page: 100 });
  return data.filter((s) => s.context === CONTEXT).length;
}

function runCount(w: World, sha: string): number {
  return checksFor(w.lg.ctx)!.runsForCommit(w.lg.admin.repo(REPO), sha).filter((r) => r.name === RUN_NAME).length;
}

/** Posts `body` as a signed delivery with a chosen GUID, without waiting for the service to settle. */
async function post(w: World, event: string, guid: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(w.hookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': guid, 'x-hub-signature-256': await sign(w.hookSecret, body) },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('closed: nothing is evaluated while the PR is closed; reopened: it is evaluated again', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const sha = w.headSha(pr.number);
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    const decisions = await w.decisionCount(pr.number);
    const statuses = await statusCount(w, sha);
    const runs = runCount(w, sha);

    await w.rest(async () => w.lg.admin.closePull(REPO, pr.number, 'alice'));
    // Neither a push to its branch nor an approval on a closed PR is acted on.
    const pushed = await w.push('feature', { 'src/feature.ts': 'export const x = 2;\n' });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal(await w.decisionCount(pr.number), decisions);
    assert.equal(await statusCount(w, sha), statuses, 'no status after close');
    assert.equal(runCount(w, sha), runs, 'no check run after close');
    assert.equal((await w.status(pr.number, sha))?.description, 'no approvals received');
    assert.equal(await statusCount(w, pushed), 0, 'the commit pushed while closed is not evaluated');
    assert.equal(runCount(w, pushed), 0);
    const closed = [...w.lg.state.deliveries.values()].filter((d) => d.event === 'pull_request' && d.action === 'closed');
    assert.equal(closed.length, 1);
    // The close is queued on the PR's key (its job learns the state and reports nothing), at no GitHub cost.
    assert.match(closed[0].response?.payload ?? '', /"status":"queued"/);
    const closeJob = w.jobs.find((j) => j.deliveries.includes('pull_request.closed'));
    assert.ok(closeJob, 'the close ran as a job');
    assert.equal(closeJob.requests, 0, 'and made no GitHub request');

    await w.rest(async () => w.lg.admin.closePull(REPO, pr.number, 'alice', true));
    assert.ok((await w.decisionCount(pr.number)) > decisions, 'reopening evaluates');
    assert.equal(w.headSha(pr.number), pushed, 'the reopened PR has the commit pushed while it was closed');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number);
    assert.equal(run?.status, 'completed');
    assert.equal(run?.conclusion, 'success');
    assert.deepEqual(w.jobErrors, []);
  });
});

test('a review queued before the PR was closed but evaluated after: nothing is published on the closed PR', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const sha = w.headSha(pr.number);
    const decisions = await w.decisionCount(pr.number);
    const statuses = await statusCount(w, sha);
    await w.pauseWorkers();
    await w.tick();
    w.lg.admin.review(REPO, pr.number, 'carol', 'APPROVE');
    await w.lg.webhooks.idle();
    await w.tick();
    w.lg.admin.closePull(REPO, pr.number, 'alice');
    await w.lg.webhooks.idle();
    await w.resumeWorkers();
    assert.equal(w.lg.admin.pull(REPO, pr.number).state, 'closed');
    assert.equal(await statusCount(w, sha), statuses, 'no status posted after the close');
    assert.equal(await w.decisionCount(pr.number), decisions);
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
  });
});

test('ready_for_review (hand-made from a real delivery) evaluates the PR', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.unseen(() => w.comment(pr.number, 'bob', 'I approve'));
    assert.equal((await w.status(pr.number))?.description, 'no approvals received', 'the approval was not delivered');

    const payload = { ...lastPayload(w, 'pull_request', 'opened'), action: 'ready_for_review' };
    const before = w.jobs.length;
    assert.equal(await sendWebhook(w, 'pull_request', payload), 202);
    assert.ok(w.jobs.slice(before).some((j) => j.deliveries.includes('pull_request.ready_for_review')), JSON.stringify(w.jobs.slice(before)));
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});

test('pull_request_review.edited (hand-made from a real delivery) evaluates the PR', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.review(pr.number, 'carol', 'COMMENT', 'looking');
    await w.unseen(() => w.comment(pr.number, 'bob', 'I approve'));
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');

    const submitted = lastPayload(w, 'pull_request_review', 'submitted');
    const review = submitted.review as Record<string, unknown>;
    const payload = { ...submitted, action: 'edited', review: { ...review, body: 'looking again' }, changes: { body: { from: 'looking' } } };
    const before = w.jobs.length;
    assert.equal(await sendWebhook(w, 'pull_request_review', payload), 202);
    assert.ok(w.jobs.slice(before).some((j) => j.deliveries.includes('pull_request_review.edited')), JSON.stringify(w.jobs.slice(before)));
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
  });
});

test('a check_suite.requested that arrives alone (no push, no synchronize) evaluates the new head', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const inst = w.lg.state.installations.get(w.installationId!)!;
    const events = inst.events;
    // The installation no longer subscribes to pushes and PR events; check_suite.requested goes to the
    // app that owns the suite whatever it subscribes to.
    inst.events = events.filter((e) => e !== 'push' && e !== 'pull_request');
    const before = w.jobs.length;
    let sha: string;
    try {
      sha = await w.push('feature', { 'src/more.ts': 'export const y = 2;\n' });
    } finally {
      inst.events = events;
    }
    assert.equal(w.headSha(pr.number), sha);
    const jobs = w.jobs.slice(before);
    assert.deepEqual(jobs.flatMap((j) => j.deliveries).filter((d) => d !== 'check_run.created' && d !== 'check_run.completed'), ['check_suite.requested'], JSON.stringify(jobs));
    assert.deepEqual(await w.status(pr.number, sha), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number, sha);
    assert.equal(run?.status, 'completed');
    assert.equal(run?.conclusion, 'action_required');
    assert.deepEqual(w.jobErrors, []);
  });
});

test('a PR that breaks MAINTAINERS: its version is annotated on the line while the default branch decides', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull({ files: { MAINTAINERS: 'bob\ncarol\n   \ndave\n' } });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.summary ?? '', /This pull request's version of the policy files is invalid/);
    const a = run?.annotations.filter((x) => x.path === 'MAINTAINERS') ?? [];
    assert.equal(a.length, 1, JSON.stringify(run?.annotations));
    assert.equal(a[0].start_line, 3);
    assert.equal(a[0].annotation_level, 'failure');
    assert.match(a[0].message, /Unable to parse line/);

    await w.push('feature', { MAINTAINERS: 'bob\ncarol\ndave\n' });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
    assert.deepEqual(w.checkRun(pr.number)?.annotations, []);
  });
});

// What the queue's database does (deduplication, attempts), on each database.
for (const kind of testDatabases()) {
  test(`GitHub redelivers a delivery (same GUID over HTTP): answered as a duplicate, not evaluated again (${kind.name})`, { skip: kind.skip }, async () => {
    await withWorld({ db: kind }, async (w) => {
      const pr = await w.openPull();
      await w.comment(pr.number, 'bob', 'I approve');
      const decisions = await w.decisionCount(pr.number);
      const original = [...w.lg.state.deliveries.values()].find((d) => d.event === 'issue_comment' && d.action === 'created');
      assert.ok(original);
      assert.equal(original.status_code, 202);

      const again = await w.lg.webhooks.redeliver(original.id);
      await w.settle();
      assert.equal(again?.guid, original.guid);
      assert.equal(again?.redelivery, true);
      assert.equal(again?.status_code, 200);
      assert.match(again?.response?.payload ?? '', /"status":"duplicate"/);
      assert.equal(await w.decisionCount(pr.number), decisions);
      const rows = await w.sdb.db.selectFrom('deliveries').select(['id', 'attempts', 'status']).where('id', '=', original.guid).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0].attempts, 1);
    });
  });

  test(`the same delivery posted twice while it is still queued is queued once and evaluated once (${kind.name})`, { skip: kind.skip }, async () => {
    await withWorld({ db: kind }, async (w) => {
      const pr = await w.openPull();
      await w.unseen(() => w.comment(pr.number, 'bob', 'I approve'));
      const decisions = await w.decisionCount(pr.number);
      await w.pauseWorkers();
      const body = JSON.stringify({ ...lastPayload(w, 'pull_request', 'opened'), action: 'edited', changes: {} });
      const guid = randomBytes(8).toString('hex');
      const first = await post(w, 'pull_request', guid, body);
      const second = await post(w, 'pull_request', guid, body);
      assert.equal(first.status, 202);
      assert.deepEqual(second, { status: 200, json: { status: 'duplicate', delivery: guid } });
      const before = w.jobs.length;
      await w.resumeWorkers();
      const jobs = w.jobs.slice(before).filter((j) => j.deliveries.includes('pull_request.edited'));
      assert.equal(jobs.length, 1);
      assert.deepEqual(jobs[0].deliveries, ['pull_request.edited']);
      assert.equal(await w.decisionCount(pr.number), decisions + 1);
      assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    });
  });

  test(`failures.test.ts faults really fire: a 5xx is retried by the client, a secondary rate limit by the queue (${kind.name})`, { skip: kind.skip }, async () => {
    await withWorld({ db: kind }, async (w) => {
      const pr = await w.openPull();
      w.lg.faults.add({ method: 'GET', path: '/repos/acme/widgets/issues/*/comments', kind: 'status', status: 502, times: 2 });
      await w.comment(pr.number, 'carol', 'hello');
      assert.deepEqual(w.lg.faults.list(), [], 'both 502 answers were served');
      const hello = [...w.lg.state.deliveries.values()].find((d) => d.event === 'issue_comment' && d.request.payload.includes('hello'))?.guid;
      const helloRow = await w.sdb.db.selectFrom('deliveries').select(['attempts', 'status']).where('id', '=', hello!).executeTakeFirst();
      assert.deepEqual(helloRow, { attempts: 1, status: 'done' }, 'the client retried the 502s within the first attempt');
      assert.deepEqual(w.jobErrors, []);

      w.lg.faults.add({ method: 'POST', path: '/repos/acme/widgets/statuses/*', kind: 'secondary_rate_limit', retryAfter: 1, times: 1 });
      await w.comment(pr.number, 'bob', 'I approve');
      assert.deepEqual(w.lg.faults.list(), [], 'the 403 was served');
      assert.equal((await w.status(pr.number))?.description, 'approved by bob');
      const guid = [...w.lg.state.deliveries.values()].find((d) => d.event === 'issue_comment' && d.request.payload.includes('I approve'))?.guid;
      assert.ok(guid);
      const row = await w.sdb.db.selectFrom('deliveries').select(['attempts', 'status', 'last_error']).where('id', '=', guid).executeTakeFirst();
      assert.equal(row?.status, 'done');
      assert.ok((row?.attempts ?? 0) > 1, `the queue retried the job: ${JSON.stringify(row)}`);
      assert.equal(w.jobErrors.length, 1, 'the first attempt failed on the 403');
    });
  });
}

test('hand-made deliveries with hostile payloads are answered and break nothing', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const opened = lastPayload(w, 'pull_request', 'opened');
    const repository = opened.repository;
    const ignored: [string, Record<string, unknown>][] = [
      ['pull_request', { action: 'ready_for_review', repository }],
      ['pull_request', { action: 'ready_for_review', repository, pull_request: { number: String(pr.number) } }],
      ['pull_request', { action: 'ready_for_review', repository, pull_request: { ...(opened.pull_request as object), number: 2 ** 53 } }],
      ['pull_request_review', { action: 'edited', repository: { full_name: '../../etc' }, pull_request: { number: pr.number } }],
    ];
    const decisions = await w.decisionCount(pr.number);
    for (const [event, payload] of ignored) assert.equal(await sendWebhook(w, event, payload), 200, JSON.stringify(payload));
    assert.equal(await w.decisionCount(pr.number), decisions, 'answered without a job');
    // Queued (they name this PR), but they cannot make it closed, nor reach Object.prototype.
    const queued: [string, Record<string, unknown>][] = [
      ['pull_request_review', { action: 'edited', repository, pull_request: { number: pr.number }, review: null }],
      ['pull_request_review', JSON.parse(`{"action":"edited","__proto__":{"polluted":1},"repository":{"full_name":"${REPO}"},"pull_request":{"number":${pr.number},"__proto__":{"state":"closed"}}}`) as Record<string, unknown>],
    ];
    for (const [event, payload] of queued) assert.equal(await sendWebhook(w, event, payload), 202, JSON.stringify(payload));
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(w.jobErrors, []);
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');

    await w.comment(pr.number, 'bob', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    assert.deepEqual(w.jobErrors, []);
  });
});

test('a delivery about a pull request GitHub does not know (404) is tried once more, then done, not retried to the attempt limit', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    const comment = lastPayload(w, 'issue_comment', 'created');
    const issue = comment.issue as Record<string, unknown>;
    const before = w.jobs.length;
    // The same comment, about a PR number that does not exist (a deleted repository's, or a forged one).
    assert.equal(await sendWebhook(w, 'issue_comment', { ...comment, issue: { ...issue, number: 9999 } }), 202);
    assert.ok(w.jobs.slice(before).some((j) => j.deliveries.includes('issue_comment.created')), 'the delivery ran as a job');
    // GitHub can answer 404 for a PR opened a moment ago: the first attempt fails, the second finishes.
    assert.equal(w.jobErrors.length, 1);
    assert.equal((w.jobErrors[0] as { status?: number }).status, 404);
    const rows = await w.sdb.db.selectFrom('deliveries').select(['status', 'attempts']).where('pr_key', '=', `${REPO}#9999`).execute();
    assert.deepEqual(rows.map((r) => [r.status, r.attempts]), [['done', 2]]);
    assert.equal((await w.status(pr.number))?.description, 'approved by bob', 'the real PR is untouched');
  });
});
