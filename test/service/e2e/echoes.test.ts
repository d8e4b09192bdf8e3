/**
 * What the echoes of the service's own writes cost. A warm comment evaluation brings back a `status`, a
 * `check_run.completed` and a `check_suite.completed` (the first evaluation of a head): the status is
 * recognised from the decision log at intake, and neither it nor the check events are queued (intake triage).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { triageDelivery } from '../../../src/service/intake/triage.js';
import { CONTEXT, REPO, RUN_NAME, withWorld, type JobCost, type World } from './harness.js';

const REPO_GET = 'GET /repos/{owner}/{repo}';
const TRIAGE = { brandingShort: 'checks-out', statusContext: CONTEXT, checkRunName: RUN_NAME };

/** The jobs that ran while `fn` did. */
async function jobsDuring(w: World, fn: () => Promise<unknown>): Promise<JobCost[]> {
  const before = w.jobs.length;
  await fn();
  return w.jobs.slice(before);
}

const hasDelivery = (j: JobCost, name: string) => j.deliveries.includes(name);

test('a warm comment evaluation costs exactly 3 rate-limited calls (no repository read); its echoes cost no GitHub call', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'carol', 'looks good so far');
    const jobs = await jobsDuring(w, () => w.comment(pr.number, 'bob', 'I approve'));
    const [evaluation, ...others] = [...jobs].sort((a, b) => Number(hasDelivery(b, 'issue_comment.created')) - Number(hasDelivery(a, 'issue_comment.created')));
    assert.ok(evaluation && hasDelivery(evaluation, 'issue_comment.created'), JSON.stringify(jobs));
    assert.equal(evaluation.rateLimitCost, 3, JSON.stringify(evaluation.calls));
    assert.equal(evaluation.calls[REPO_GET], undefined, 'the comment payload carries the repository');
    // The status echo says what the decision log holds: intake answers it and never queues it.
    assert.equal(others.find((j) => hasDelivery(j, 'status')), undefined, JSON.stringify(others.map((j) => j.deliveries)));
    for (const j of others) assert.equal(j.requests, 0, `${j.deliveries.join(',')}: ${JSON.stringify(j.calls)}`);
    const echoes = [...w.lg.state.deliveries.values()].filter((d) => d.event === 'status' && d.request.payload.includes('approved by bob'));
    assert.ok(echoes.length > 0, 'GitHub sent the status back');
    for (const d of echoes) {
      assert.equal(d.status_code, 200);
      assert.match(d.response?.payload ?? '', /"status":"ignored".*echo of the status checks-out posted/);
    }
    const queued = await w.sdb.db.selectFrom('deliveries').select('id').where('id', 'in', echoes.map((d) => d.guid)).execute();
    assert.deepEqual(queued, []);
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    assert.deepEqual(w.jobErrors, []);
  });
});

test('a replayed stale status (what checks-out once said on this head) is looked up and put right', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.state, 'success');
    const decisions = await w.decisionCount(pr.number);
    await w.tick();
    const jobs = await jobsDuring(w, async () => {
      // Exactly what the service posted before the approval: genuine once, no longer the latest decision.
      w.lg.admin.status(REPO, w.headSha(pr.number), 'mallory', 'pending', CONTEXT, 'no approvals received');
      await w.settle();
    });
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    assert.equal(await w.decisionCount(pr.number), decisions + 1);
    const forged = jobs.find((j) => hasDelivery(j, 'status') && j.requests > 0);
    assert.ok(forged, JSON.stringify(jobs));
    assert.ok(Object.keys(forged.calls).some((r) => /\/commits\/\{[a-z_]+\}\/pulls$/.test(r)), JSON.stringify(forged.calls));
  });
});

test('a forged status that differs from the latest decision is overwritten; one that repeats it changes nothing and costs nothing', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.tick();
    w.lg.admin.status(REPO, w.headSha(pr.number), 'mallory', 'success', CONTEXT, 'no approvals received');
    await w.settle();
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });

    const decisions = await w.decisionCount(pr.number);
    await w.tick();
    const jobs = await jobsDuring(w, async () => {
      w.lg.admin.status(REPO, w.headSha(pr.number), 'mallory', 'pending', CONTEXT, 'no approvals received');
      await w.settle();
    });
    // It says what checks-out would say: nothing to correct, so intake answers it without queuing a job.
    assert.equal(await w.decisionCount(pr.number), decisions);
    assert.deepEqual(jobs.filter((j) => hasDelivery(j, 'status')), [], JSON.stringify(jobs));
    const last = [...w.lg.state.deliveries.values()].filter((d) => d.event === 'status').at(-1);
    assert.match(last?.response?.payload ?? '', /"status":"ignored"/);
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'mallory' });
  });
});

test('triage on the payloads GitHub really sends: the echoes of our check runs are dropped, everything that leads to work is queued', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    await w.tick();
    w.lg.admin.status(REPO, w.headSha(pr.number), 'mallory', 'success', 'ci/build', 'ok');
    await w.settle();
    const verdicts = new Map<string, Set<string>>();
    for (const d of w.lg.state.deliveries.values()) {
      const payload = JSON.parse(d.request.payload) as Record<string, unknown>;
      const name = d.event === 'status' ? `status:${String(payload.context)}` : d.action ? `${d.event}.${d.action}` : d.event;
      const verdict = triageDelivery(d.event, payload, TRIAGE) === undefined ? 'queue' : 'drop';
      if (!verdicts.has(name)) verdicts.set(name, new Set());
      verdicts.get(name)!.add(verdict);
    }
    const seen = Object.fromEntries([...verdicts].map(([k, v]) => [k, [...v].sort().join('|')]));
    assert.deepEqual(seen, {
      'installation.created': 'queue',
      push: 'queue',
      'pull_request.opened': 'queue',
      'check_suite.requested': 'queue',
      'issue_comment.created': 'queue',
      [`status:${CONTEXT}`]: 'queue',
      'check_run.created': 'drop',
      'check_run.completed': 'drop',
      'check_suite.completed': 'drop',
      'status:ci/build': 'drop',
    });
  });
});

for (const viaService of [false, true]) {
  test(`the echoes of our check runs are answered without being queued (${viaService ? 'serve assembly' : 'own assembly'})`, async () => {
    await withWorld({ viaService }, async (w) => {
      const pr = await w.openPull();
      await w.comment(pr.number, 'bob', 'I approve');
      const sent = [...w.lg.state.deliveries.values()];
      const echoes = sent.filter((d) => (d.event === 'check_run' && d.action !== 'rerequested' && d.action !== 'requested_action') || (d.event === 'check_suite' && d.action === 'completed'));
      assert.ok(echoes.some((d) => d.event === 'check_run' && d.action === 'completed'), JSON.stringify(sent.map((d) => [d.event, d.action])));
      for (const d of echoes) assert.equal(d.status_code, 200, `${d.event}.${d.action ?? ''}`);
      const queued = await w.sdb.db.selectFrom('deliveries').select(['id', 'event', 'action']).where('id', 'in', echoes.map((d) => d.guid)).execute();
      assert.deepEqual(queued, []);
      // What leads to work still is queued.
      const comment = sent.find((d) => d.event === 'issue_comment');
      assert.equal(comment?.status_code, 202);
      assert.equal((await w.status(pr.number))?.state, 'success');
    });
  });
}
