/** Re-evaluation on request, and our status context defended against forgery. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksFor } from '../../../src/local-github/checks/index.js';
import { ORG, withWorld } from './harness.js';

const config = '{ approvals: [ { match: "core[count=1]" } ] }\n';
const maintainers = 'github-team core\ndave\n';

test('the Re-evaluate requested action re-evaluates with fresh memberships', async () => {
  await withWorld({ config, maintainers }, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'dave', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    const decisions = await w.decisionCount(pr.number);

    // Team membership changes send checks-out no webhook: the button is how a person asks again.
    w.lg.admin.addTeamMember(ORG, 'core', 'dave');
    await w.clickReevaluate(pr.number);
    assert.ok((await w.decisionCount(pr.number)) > decisions);
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by dave', creator: 'checks-out[bot]' });
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});

test('check_run.rerequested (Re-run) re-evaluates too', async () => {
  await withWorld({ config, maintainers }, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'dave', 'I approve');
    w.lg.admin.addTeamMember(ORG, 'core', 'dave');
    await w.rerequestRun(pr.number);
    assert.equal((await w.status(pr.number))?.description, 'approved by dave');
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});

test('a forged approvals/checks-out status is overwritten with the true state', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    await w.tick();
    w.lg.admin.status('acme/widgets', w.headSha(pr.number), 'mallory', 'success', 'approvals/checks-out', 'approved by everyone');
    await w.settle();
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });

    // Other contexts are none of our business.
    const decisions = await w.decisionCount(pr.number);
    await w.tick();
    w.lg.admin.status('acme/widgets', w.headSha(pr.number), 'mallory', 'success', 'ci/build', 'ok');
    await w.settle();
    assert.equal(await w.decisionCount(pr.number), decisions);
  });
});

test('our own status does not trigger another evaluation (no feedback loop)', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const after = await w.decisionCount(pr.number);
    await w.comment(pr.number, 'bob', 'I approve');
    // One more decision for the comment (possibly two when the PR and check-suite events did not coalesce),
    // and none for the echoes of the statuses checks-out posted.
    const n = await w.decisionCount(pr.number);
    assert.ok(n - after >= 1 && n - after <= 2, `decisions: ${after} -> ${n}`);
    await w.settle();
    assert.equal(await w.decisionCount(pr.number), n);
  });
});

test('check_suite.rerequested ("Re-run all checks") re-evaluates with fresh memberships', async () => {
  await withWorld({ config, maintainers }, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'dave', 'I approve');
    w.lg.admin.addTeamMember(ORG, 'core', 'dave');
    const mod = checksFor(w.lg.ctx)!;
    const repo = w.lg.admin.repo('acme/widgets');
    const suite = mod.service.store.suitesForSha(repo.id, w.headSha(pr.number)).find((s) => s.appId === w.app!.id);
    assert.ok(suite);
    await w.tick();
    mod.service.rerequestSuite(repo.id, suite.id, w.lg.state.accountByLogin('bob')!.id);
    await w.settle();
    assert.equal((await w.status(pr.number))?.description, 'approved by dave');
  });
});
