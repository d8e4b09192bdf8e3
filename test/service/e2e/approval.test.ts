import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorld } from './harness.js';

test('comment approval: a maintainer comments "I approve" and the check run and status turn green', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
    let run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'action_required');
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    run = w.checkRun(pr.number);
    assert.equal(run?.status, 'completed');
    assert.equal(run?.conclusion, 'success');
    assert.equal(run?.title, 'approved by bob');
    assert.deepEqual(w.jobErrors, []);
  });
});
