/** Spec §6.3/§7.1 end to end: who approves, who blocks, and what GitHub shows for it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORG, REPO, withWorld } from './harness.js';

const [owner, repo] = REPO.split('/');

test('comment approval: a maintainer comments "I approve" and the check run and status turn green', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
    let run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'action_required');
    assert.equal(run?.title, 'no approvals received');
    assert.deepEqual(run?.actions.map((a) => a.identifier), ['reevaluate']);

    // Not the approval pattern (it is anchored): nothing changes.
    await w.comment(pr.number, 'bob', 'Well, I approve');
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    // The author's own approval does not count (self=false).
    await w.comment(pr.number, 'alice', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');

    await w.comment(pr.number, 'bob', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    run = w.checkRun(pr.number);
    assert.equal(run?.status, 'completed');
    assert.equal(run?.conclusion, 'success');
    assert.equal(run?.title, 'approved by bob');
    assert.match(run?.summary ?? '', /\*\*approved by bob\*\*/);
    assert.match(run?.summary ?? '', /Policy #1/);
    assert.match(run?.summary ?? '', /Effective configuration/);
    assert.deepEqual(run?.annotations, []);
    assert.deepEqual(w.jobErrors, []);
  });
});

test('review approval counts; dismissing the review takes it back', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    // A plain review comment is neither approval nor disapproval.
    await w.review(pr.number, 'carol', 'COMMENT', 'looks fine');
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    const id = await w.review(pr.number, 'carol', 'APPROVE');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by carol', creator: 'checks-out[bot]' });
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');

    await w.rest(() => w.as('owner').rest.pulls.dismissReview({ owner, repo, pull_number: pr.number, review_id: id, message: 'stale' }));
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
    assert.equal(w.checkRun(pr.number)?.conclusion, 'action_required');
  });
});

test('disapproval blocks (review or antipattern comment) and a later approval by the same person cancels it', async () => {
  const config = '{\n  antipattern: "(?i)^I disapprove"\n  approvals: [ { match: "all[count=1]" } ]\n}\n';
  await withWorld({ config }, async (w) => {
    const pr = await w.openPull();
    await w.review(pr.number, 'bob', 'REQUEST_CHANGES', 'no');
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'blocked by bob', creator: 'checks-out[bot]' });
    let run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.equal(run?.title, 'blocked by bob');
    assert.match(run?.summary ?? '', /BLOCKED/);

    // Carol's approval does not lift Bob's block.
    await w.comment(pr.number, 'carol', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'blocked by bob');
    await w.comment(pr.number, 'dave', 'I disapprove of this');
    assert.equal((await w.status(pr.number))?.description, 'blocked by bob,dave');

    await w.review(pr.number, 'bob', 'APPROVE');
    assert.equal((await w.status(pr.number))?.description, 'blocked by dave');
    await w.comment(pr.number, 'dave', 'I approve after all');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob,carol,dave', creator: 'checks-out[bot]' });
    run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'success');
  });
});

test('author restriction: authormatch blocks a PR from someone outside the team', async () => {
  const config = '{ approvals: [ { match: "all[count=1]", authormatch: "core[count=1,self=true]" } ] }\n';
  const maintainers = 'github-team core\ndave\n';
  await withWorld({ config, maintainers }, async (w) => {
    const pr = await w.openPull({ author: 'erin', branch: 'erin-change' });
    await w.comment(pr.number, 'dave', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'error', description: 'pull request author not allowed', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.summary ?? '', /BLOCKED: erin is not allowed/);

    const ok = await w.openPull({ author: 'bob', branch: 'bob-change', files: { 'src/b.ts': 'b\n' } });
    await w.comment(ok.number, 'dave', 'I approve');
    assert.equal((await w.status(ok.number))?.description, 'approved by dave');
    assert.equal(w.checkRun(ok.number)?.conclusion, 'success');
  });
});

test('org and team directives: github-org and github-team groups are expanded from GitHub', async () => {
  const config = '{ approvals: [ { match: "core[count=1] and acme[count=2]" } ] }\n';
  const maintainers = `github-org ${ORG}\ngithub-team core\n`;
  await withWorld({ config, maintainers }, async (w) => {
    const pr = await w.openPull();
    // erin is a collaborator but not an org member: her approval counts for nothing.
    await w.comment(pr.number, 'erin', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    await w.comment(pr.number, 'dave', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'more approvals needed. checks-out: dave', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'action_required');
    assert.match(run?.summary ?? '', /needs 1 more approval from group `core`/);
    await w.comment(pr.number, 'carol', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by carol,dave');
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});

test('us and them: one approval from the author\'s team and one from outside it', async () => {
  const config = '{ approvals: [ { match: "us[count=1] and them[count=1]" } ] }\n';
  const maintainers = 'github-team core\ngithub-team docs\n';
  await withWorld({ config, maintainers }, async (w) => {
    const pr = await w.openPull({ author: 'bob', branch: 'bob-change' });
    await w.comment(pr.number, 'dave', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'more approvals needed. checks-out: dave');
    await w.comment(pr.number, 'carol', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by carol,dave');
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});
