/** Spec §6.2 end to end: the `head` range cutoff is the recorded push time; UI merges; title edits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO, withWorld } from './harness.js';

const [owner, repo] = REPO.split('/');

test('reset on push: approvals before the latest push no longer count', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    await w.review(pr.number, 'carol', 'APPROVE');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob,carol');
    const before = w.headSha(pr.number);

    await w.push('feature', { 'src/feature.ts': 'export const x = 2;\n' });
    const head = w.headSha(pr.number);
    assert.notEqual(head, before);
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'action_required');
    assert.match(run?.summary ?? '', new RegExp(`push time of ${head}`));
    // The old head keeps what was true for it.
    assert.equal((await w.status(pr.number, before))?.description, 'approved by bob,carol');

    await w.comment(pr.number, 'dave', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by dave');
  });
});

test('reset on push: a backdated commit cannot keep an old approval alive (the cutoff is the push, not the committer date)', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');

    // A commit whose committer date claims to predate Bob's approval.
    await w.pushBackdated('feature', 3600_000);
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
    assert.match(w.checkRun(pr.number)?.summary ?? '', /push time of/);
  });
});

test('update-branch merge ignored (ignoreuimerge): approvals survive GitHub\'s "Update branch" merge', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    const approvedHead = w.headSha(pr.number);

    await w.push('main', { 'README.md': 'widgets, updated\n' }, 'owner');
    await w.rest(() => w.as('alice').rest.pulls.updateBranch({ owner, repo, pull_number: pr.number }));
    const merged = w.headSha(pr.number);
    assert.notEqual(merged, approvedHead);
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'success');
    assert.match(run?.summary ?? '', new RegExp(`push time of ${approvedHead}, skipped UI merges ${merged}`));

    // A real push after the merge resets again.
    await w.push('feature', { 'src/feature.ts': 'export const x = 3;\n' });
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
  });
});

test('update-branch merge counts as a push when ignoreuimerge is off', async () => {
  const config = '{ commit: { ignoreuimerge: false }, approvals: [ { match: "all[count=1,self=false]" } ] }\n';
  await withWorld({ config }, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    await w.push('main', { 'README.md': 'widgets, updated\n' }, 'owner');
    await w.rest(() => w.as('alice').rest.pulls.updateBranch({ owner, repo, pull_number: pr.number }));
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
  });
});

test('WIP title (antititle) blocks; editing the title away re-evaluates at once', async () => {
  const config = '{ antititle: "(?i)^WIP:", approvals: [ { match: "all[count=1,self=false]" } ] }\n';
  await withWorld({ config }, async (w) => {
    const pr = await w.openPull({ title: 'WIP: half done' });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'error', description: 'pull request title is blocking merge', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.summary ?? '', /BLOCKED: matches antititle/);

    await w.rest(() => w.as('alice').rest.pulls.update({ owner, repo, pull_number: pr.number, title: 'Done' }));
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');

    await w.rest(() => w.as('alice').rest.pulls.update({ owner, repo, pull_number: pr.number, title: 'wip: again' }));
    assert.equal((await w.status(pr.number))?.description, 'pull request title is blocking merge');
  });
});
