/** A burst of events for one PR ends in one evaluation of its latest state. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO, withWorld } from './harness.js';

test('burst coalescing: deliveries queued for one PR are evaluated once, on the latest state', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const before = await w.decisionCount(pr.number);
    await w.pauseWorkers();
    for (const [who, body] of [['bob', 'hmm'], ['carol', 'I approve'], ['dave', 'nice'], ['bob', 'I approve']]) {
      await w.tick();
      w.lg.admin.comment(REPO, pr.number, who, body);
    }
    await w.tick();
    w.lg.admin.review(REPO, pr.number, 'dave', 'REQUEST_CHANGES', 'not yet');
    await w.tick();
    w.lg.admin.review(REPO, pr.number, 'dave', 'APPROVE');
    await w.lg.webhooks.idle();
    const queued = (await w.queue.depth()).pending;
    assert.ok(queued >= 6, `queued ${queued}`);

    await w.resumeWorkers();
    assert.equal(await w.decisionCount(pr.number), before + 1);
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob,carol,dave', creator: 'checks-out[bot]' });
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});
