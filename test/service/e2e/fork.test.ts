/** A pull request from a fork is evaluated on the base repository like any other. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, REPO, withWorld } from './harness.js';

test('fork PR: approval, reset on a push to the fork, and its broken .checks-out annotated', async () => {
  await withWorld({}, async (w) => {
    w.lg.admin.fork(REPO, 'erin');
    await w.tick();
    w.lg.admin.push('erin/widgets', { branch: 'fix', files: { 'src/fix.ts': 'fix\n', '.checks-out': '{ approvals: [ { match: "all[count=1" } ] }\n' }, author: 'erin' });
    await w.tick();
    const pr = w.lg.admin.openPull(REPO, { author: 'erin', title: 'Fix from a fork', head: 'erin:fix' });
    await w.settle();
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.equal(run?.annotations[0]?.path, '.checks-out');

    await w.tick();
    w.lg.admin.push('erin/widgets', { branch: 'fix', files: { '.checks-out': DEFAULT_CONFIG }, author: 'erin' });
    await w.settle();
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    assert.equal(w.checkRun(pr.number)?.conclusion, 'action_required');

    // Deleting the policy in the PR would leave the repository without one: that is a problem too.
    await w.tick();
    w.lg.admin.push('erin/widgets', { branch: 'fix', files: { '.checks-out': null }, author: 'erin' });
    await w.settle();
    assert.equal(w.checkRun(pr.number)?.conclusion, 'failure');
    assert.match(w.checkRun(pr.number)?.summary ?? '', /\.checks-out file not found/);
  });
});
