/**
 * The undocumented `issue-author` noun (spec §3.5): the authors of the issues a PR closes (`fixes #N` in
 * the PR body or any comment or review) must approve. Looked up only when the policy uses the noun. The
 * local GitHub has no plain issues, so the closed "issue" is another pull request (its issue view).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorld } from './harness.js';

const ISSUE = 'GET /repos/{owner}/{repo}/issues/{issue_number}';

test('issue-author: once a comment says the PR fixes #N, the author of #N must approve too', async () => {
  const config = '{ approvals: [ { match: "all[count=1,self=false] and issue-author" } ] }\n';
  await withWorld({ config }, async (w) => {
    const issue = await w.openPull({ author: 'erin', branch: 'erin-report', title: 'Widgets break on Sundays', files: { 'notes.md': 'broken\n' } });
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.state, 'success', 'no closed issue: the noun holds trivially');

    await w.comment(pr.number, 'carol', `this fixes #${issue.number}`);
    assert.equal((await w.status(pr.number))?.state, 'pending', JSON.stringify(await w.status(pr.number)));
    const before = w.evaluations.length;
    await w.comment(pr.number, 'erin', 'I approve');
    const mine = w.evaluations.slice(before).filter((e) => e.pr === pr.number);
    assert.equal(mine[0]?.calls[ISSUE]?.requests, 1, JSON.stringify(mine[0]?.calls));
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob,erin', creator: 'checks-out[bot]' });

    // A reference to an issue that does not exist names nobody; hostile bodies are bounded.
    await w.comment(pr.number, 'carol', `closes #999999 ${Array.from({ length: 200 }, (_, i) => `fixes #${i + 1000}`).join(' ')}`);
    assert.equal((await w.status(pr.number))?.state, 'success');
    assert.deepEqual(w.jobErrors, []);
  });
});

test('a policy without issue-author makes no issue look-up, whatever the comments close', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const before = w.evaluations.length;
    await w.comment(pr.number, 'bob', 'I approve, and this fixes #1 and resolves #2');
    const mine = w.evaluations.slice(before);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].calls[ISSUE], undefined, JSON.stringify(mine[0].calls));
    assert.equal((await w.status(pr.number))?.state, 'success');
  });
});
