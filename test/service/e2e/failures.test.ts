/** GitHub failing: transient errors are retried away; a failure that persists is reported on the PR. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorld } from './harness.js';

test('transient 5xx answers are retried and the final report is right', async () => {
  await withWorld({}, async (w) => {
    w.lg.faults.add({ method: 'GET', path: '/repos/acme/widgets/pulls/*/files', kind: 'status', status: 502, times: 2 });
    const pr = await w.openPull();
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    w.lg.faults.add({ method: 'GET', path: '/repos/acme/widgets/issues/*/comments', kind: 'status', status: 500, times: 5 });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});

test('a secondary rate limit on writes reaches the queue, which retries after Retry-After', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    w.lg.faults.add({ method: 'POST', path: '/repos/acme/widgets/statuses/*', kind: 'secondary_rate_limit', retryAfter: 1, times: 1 });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});

test('a failure that persists is reported as an error status and a failed check run, without a loop', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    w.lg.faults.add({ method: 'GET', path: '/repos/acme/widgets/pulls/*/reviews', kind: 'status', status: 503 });
    await w.comment(pr.number, 'bob', 'I approve');
    const status = await w.status(pr.number);
    assert.equal(status?.state, 'error');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    // The run's title is the status text; the summary says it gave up and how to try again.
    assert.equal(run?.title, status?.description);
    assert.match(run?.summary ?? '', /gave up evaluating this pull request[\s\S]*Re-evaluate/);
    assert.ok(w.jobErrors.length >= 3);
    const failed = await w.queue.depth();
    assert.ok(failed.failed >= 1);

    // Once GitHub recovers, a person asks again and the truth comes back.
    w.lg.faults.list().forEach((f) => w.lg.faults.remove(f.id));
    await w.clickReevaluate(pr.number);
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
  });
});
