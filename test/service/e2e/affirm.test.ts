/** Spec §6.4 end to end: commits by someone else need the author's or a non-committer's approval. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO, withWorld } from './harness.js';

const [owner, repo] = REPO.split('/');

test('author affirmation: a committer\'s approval does not count; checks-out says why once; a non-committer\'s does', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.push('feature', { 'src/bob.ts': 'bob was here\n' }, 'bob');
    await w.comment(pr.number, 'bob', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'error', description: 'non-committer or PR author must approve', creator: 'checks-out[bot]' });
    assert.equal(w.checkRun(pr.number)?.conclusion, 'action_required');
    assert.match(w.checkRun(pr.number)?.summary ?? '', /FAILED: commits by bob/);

    const botComments = async () => {
      const { data } = await w.as('owner').rest.issues.listComments({ owner, repo, issue_number: pr.number });
      return data.filter((c) => c.user?.login === 'checks-out[bot]').map((c) => c.body ?? '');
    };
    let said = await botComments();
    assert.equal(said.length, 1);
    assert.match(said[0], /^Message from checks-out -- Someone besides the committers and the PR author should approve/);

    // Saying it again on the same head would be noise.
    await w.review(pr.number, 'bob', 'APPROVE');
    said = await botComments();
    assert.equal(said.length, 1);

    await w.comment(pr.number, 'carol', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by carol', creator: 'checks-out[bot]' });
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
    assert.deepEqual(w.jobErrors, []);
  });
});
