/** Token mode (checks-out's original model): a repository hook with its own secret, commit status only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO, withWorld } from './harness.js';

const [owner, repo] = REPO.split('/');

test('token mode: repo webhook with a per-repo secret; the enabling user posts the status; no check run', async () => {
  await withWorld({ mode: 'token' }, async (w) => {
    const pr = await w.openPull();
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'owner' });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'owner' });
    assert.equal(w.checkRun(pr.number), undefined);

    // Push resets in token mode too (push time from the repo hook's deliveries).
    await w.push('feature', { 'src/feature.ts': 'export const x = 2;\n' });
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');

    // A forged status by a collaborator is put right.
    await w.tick();
    w.lg.admin.status(REPO, w.headSha(pr.number), 'mallory', 'success', 'approvals/checks-out', 'approved by everyone');
    await w.settle();
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'owner' });
    assert.deepEqual(w.jobErrors, []);
  });
});

test('token mode: deliveries signed with another secret are refused and change nothing', async () => {
  await withWorld({ mode: 'token' }, async (w) => {
    const pr = await w.openPull();
    const { data: hooks } = await w.as('owner').rest.repos.listWebhooks({ owner, repo });
    await w.as('owner').rest.repos.updateWebhook({ owner, repo, hook_id: hooks[0].id, config: { url: hooks[0].config.url!, secret: 'not-the-secret' } });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    const delivered = [...w.lg.state.deliveries.values()].at(-1);
    assert.equal(delivered?.status_code, 401);
  });
});
