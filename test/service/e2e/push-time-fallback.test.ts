/**
 * Spec §6.2 end to end, when no push of the head was ever seen (its `push` and `pull_request` deliveries
 * never reached the service): the `head` cutoff falls back to the head commit's committer date, and the
 * check-run summary says so. range.test.ts covers the seen case (the cutoff is the push time).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO, withWorld, type World } from './harness.js';

const [owner, repo] = REPO.split('/');

async function committerDate(w: World, sha: string): Promise<string> {
  const { data } = await w.as('owner').rest.git.getCommit({ owner, repo, commit_sha: sha });
  return new Date(data.committer.date).toISOString();
}

async function pushTimeRows(w: World, sha: string): Promise<number> {
  return (await w.sdb.db.selectFrom('push_times').select('sha').where('sha', '=', sha).execute()).length;
}

/** The summary line the check run shows for a committer-date cutoff. */
function fallbackLine(at: string, sha: string): RegExp {
  return new RegExp(`\\| Counting feedback after \\| ${at.replace(/\./g, '\\.')} \\(committer date \\(push time unknown\\) of ${sha}\\) \\|`);
}

test('a PR opened before the hook reached the service: the cutoff is the committer date, and the summary says so', async () => {
  await withWorld({}, async (w) => {
    let number = 0;
    await w.unseen(async () => {
      number = (await w.openPull()).number;
    });
    const sha = w.headSha(number);
    assert.equal(await w.status(number), undefined, 'the service saw nothing yet');
    assert.equal(await pushTimeRows(w, sha), 0);

    await w.comment(number, 'bob', 'I approve');
    assert.deepEqual(await w.status(number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    const run = w.checkRun(number);
    assert.equal(run?.conclusion, 'success');
    assert.match(run?.summary ?? '', fallbackLine(await committerDate(w, sha), sha), run?.summary ?? '');
    assert.doesNotMatch(run?.summary ?? '', /push time of/);
    assert.equal(await pushTimeRows(w, sha), 0, 'a comment is no push observation');
    assert.deepEqual(w.jobErrors, []);
  });
});

test('an unseen push after an approval: the new commit\'s committer date still resets the approval', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');

    let sha = '';
    await w.unseen(async () => {
      sha = await w.push('feature', { 'src/feature.ts': 'export const x = 2;\n' });
    });
    assert.equal(w.headSha(pr.number), sha);
    assert.equal(await w.status(pr.number, sha), undefined, 'the push was not seen');

    await w.comment(pr.number, 'carol', 'looking at it');
    assert.deepEqual(await w.status(pr.number, sha), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number, sha);
    assert.equal(run?.conclusion, 'action_required');
    const at = await committerDate(w, sha);
    assert.match(run?.summary ?? '', fallbackLine(at, sha), run?.summary ?? '');
    // Bob's approval row names the cutoff it predates and where that cutoff came from.
    assert.ok(run?.summary?.includes(`${at}, committer date of the head commit`), run?.summary ?? '');
  });
});

test('an unseen push of a backdated commit: the fallback trusts the committer date, so the older approval counts', async () => {
  // range.test.ts shows the same commit, seen, resetting the approval: this is what only the push time prevents.
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');

    let longAgo = '';
    await w.unseen(async () => {
      longAgo = await w.pushBackdated('feature', 3600_000);
    });
    const sha = w.headSha(pr.number);
    assert.equal(await committerDate(w, sha), new Date(Math.floor(Date.parse(longAgo) / 1000) * 1000).toISOString());

    await w.comment(pr.number, 'carol', 'looking at it');
    assert.deepEqual(await w.status(pr.number, sha), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    assert.match(w.checkRun(pr.number, sha)?.summary ?? '', fallbackLine(await committerDate(w, sha), sha));

    // Once GitHub tells the service about the push (here: a synchronize it does receive), the push time wins.
    await w.push('feature', { 'src/feature.ts': 'export const x = 3;\n' });
    const head = w.headSha(pr.number);
    assert.equal((await w.status(pr.number, head))?.description, 'no approvals received');
    assert.match(w.checkRun(pr.number, head)?.summary ?? '', new RegExp(`push time of ${head}`));
  });
});
