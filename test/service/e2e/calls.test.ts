/** What one evaluation costs in GitHub requests (ETag revalidations are free of rate limit). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorld } from './harness.js';

test('a warm comment evaluation: cached reads revalidate with ETags; writes are the check run and the status', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'carol', 'looks good so far');
    const before = w.evaluations.length;
    await w.comment(pr.number, 'bob', 'I approve');
    const mine = w.evaluations.slice(before);
    assert.equal(mine.length, 1, JSON.stringify(mine, null, 1));
    const e = mine[0];
    const writes = Object.entries(e.calls).filter(([route]) => !route.startsWith('GET '));
    assert.deepEqual(writes.map(([r]) => r).sort(), ['PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', 'POST /repos/{owner}/{repo}/check-runs', 'POST /repos/{owner}/{repo}/statuses/{sha}']);
    // Unchanged resources (repository, policy files, files, commits, reviews) cost nothing: they answer 304.
    for (const [route, c] of Object.entries(e.calls)) {
      if (/contents|\/files|\/commits|\/reviews|^GET \/repos\/\{owner\}\/\{repo\}$/.test(route)) assert.equal(c.notModified, c.requests, route);
    }
    // The PR (updated by the comment) and the comment list are read; plus the three writes.
    assert.equal(e.rateLimitCost, 5);
  });
});
