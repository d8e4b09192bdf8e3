/** What one evaluation costs in GitHub requests (ETag revalidations are free of rate limit). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO, withWorld } from './harness.js';

const PULL = 'GET /repos/{owner}/{repo}/pulls/{pull_number}';
const CREATE_RUN = 'POST /repos/{owner}/{repo}/check-runs';
const UPDATE_RUN = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';
const STATUS = 'POST /repos/{owner}/{repo}/statuses/{sha}';

function writesOf(calls: Record<string, { requests: number }>): string[] {
  return Object.entries(calls)
    .filter(([route]) => !route.startsWith('GET '))
    .flatMap(([route, c]) => Array<string>(c.requests).fill(route))
    .sort();
}

test('a warm comment evaluation costs 3 rate-limited calls: the comment list, the check run update and the status', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const [first, ...later] = w.evaluations.filter((e) => e.pr === pr.number);
    assert.ok(first);
    // The first evaluation of a head opens the run in_progress, then completes it; later ones update it.
    assert.deepEqual(writesOf(first.calls), [UPDATE_RUN, CREATE_RUN, STATUS].sort());
    for (const e of later) assert.equal(e.calls[CREATE_RUN], undefined, JSON.stringify(e.calls));
    await w.comment(pr.number, 'carol', 'looks good so far');
    const before = w.evaluations.length;
    await w.comment(pr.number, 'bob', 'I approve');
    const mine = w.evaluations.slice(before);
    assert.equal(mine.length, 1, JSON.stringify(mine, null, 1));
    const e = mine[0];
    // Later evaluations of the head update the run it already has: no second run, no in_progress write.
    assert.deepEqual(writesOf(e.calls), [UPDATE_RUN, STATUS].sort());
    // The PR is not re-read: the payload and the cached record say what the evaluation needs.
    assert.equal(e.calls[PULL], undefined, JSON.stringify(e.calls));
    // Unchanged resources cost nothing: commits and reviews answer 304, and the policy files and the PR's file
    // list are not even asked for (kept between evaluations: policy-cache.test.ts).
    assert.equal(e.calls['GET /repos/{owner}/{repo}/contents/{path}'], undefined, JSON.stringify(e.calls));
    for (const [route, c] of Object.entries(e.calls)) {
      if (/contents|\/files|\/commits|\/reviews|^GET \/repos\/\{owner\}\/\{repo\}$/.test(route)) assert.equal(c.notModified, c.requests, route);
    }
    assert.equal(e.rateLimitCost, 3, JSON.stringify(e.calls));
    // And the result is right: approved, on one completed run.
    assert.equal((await w.status(pr.number))?.state, 'success');
    const run = w.checkRun(pr.number);
    assert.equal(run?.status, 'completed');
    assert.equal(run?.conclusion, 'success');
  });
});

test('a warm review evaluation costs 3 too: the review list, the check run update and the status', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'carol', 'looks good so far');
    const before = w.evaluations.length;
    await w.review(pr.number, 'bob', 'APPROVE');
    const mine = w.evaluations.slice(before);
    assert.equal(mine.length, 1, JSON.stringify(mine, null, 1));
    assert.deepEqual(writesOf(mine[0].calls), [UPDATE_RUN, STATUS].sort());
    assert.equal(mine[0].calls[PULL], undefined, JSON.stringify(mine[0].calls));
    assert.equal(mine[0].rateLimitCost, 3, JSON.stringify(mine[0].calls));
    assert.equal((await w.status(pr.number))?.state, 'success');
  });
});

test('a push the cache has not seen (synchronize late, or handled by another instance) is caught: the new head is evaluated', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.state, 'success');
    const oldHead = w.headSha(pr.number);
    const stale = w.pulls.known(REPO, pr.number);
    assert.equal(stale?.headSha, oldHead);
    // A new commit: the approval was for the old head, so the new head waits for one (reset on push).
    const newHead = await w.push('feature', { 'src/feature.ts': 'export const x = 2;\n' });
    assert.notEqual(newHead, oldHead);
    assert.equal((await w.status(pr.number, newHead))?.state, 'pending');
    // This process's record goes back to the old head, as if the synchronize had not reached it yet.
    w.pulls.remember(REPO, stale!);
    const before = w.evaluations.length;
    await w.comment(pr.number, 'carol', 'a question about the change');
    const e = w.evaluations.slice(before);
    assert.equal(e.length, 1);
    assert.equal(e[0].calls[PULL]?.requests, 1, 'the head in the commit list differs from the cached one: the PR is fetched');
    const last = await w.sdb.db.selectFrom('decisions').select(['head_sha', 'state']).where('pr_number', '=', pr.number).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual(last, { head_sha: newHead, state: 'pending' });
    assert.equal(w.pulls.known(REPO, pr.number)?.headSha, newHead, 'the fetch refreshed the record');
    // Nothing was posted on the old head since: it still says what it said.
    assert.equal((await w.status(pr.number, oldHead))?.state, 'success');
  });
});

test('a title edit invalidates the record; a comment payload carries the current title (WIP)', async () => {
  const config = '{ antititle: "(?i)^WIP:", approvals: [ { match: "all[count=1,self=false]" } ] }\n';
  await withWorld({ config }, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.state, 'success');
    await w.rest(() => w.as('alice').rest.pulls.update({ owner: 'acme', repo: 'widgets', pull_number: pr.number, title: 'WIP: Add a feature' }));
    assert.equal(w.pulls.known(REPO, pr.number)?.title, 'WIP: Add a feature');
    assert.notEqual((await w.status(pr.number))?.state, 'success');
    const before = w.evaluations.length;
    await w.comment(pr.number, 'carol', 'still WIP?');
    assert.equal(w.evaluations.slice(before)[0]?.calls[PULL], undefined);
    assert.notEqual((await w.status(pr.number))?.state, 'success', 'the cached record kept the WIP title');
  });
});
