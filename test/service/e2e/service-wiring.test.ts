/** The pipeline as `serve` runs it: startService + makePipelineHandler, configured from the environment. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorld } from './harness.js';

test('startService with makePipelineHandler: approval, reset on push, bookkeeping of installations', async () => {
  await withWorld({ viaService: true }, async (w) => {
    const pr = await w.openPull();
    assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.deepEqual(await w.status(pr.number), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'success');
    await w.push('feature', { 'src/feature.ts': 'export const x = 2;\n' });
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    // F's seam still records the app's installation.
    const installs = await w.sdb.db.selectFrom('installations').select(['account_login']).execute();
    assert.deepEqual(installs.map((i) => i.account_login), ['acme']);
    assert.deepEqual(w.jobErrors, []);
  });
});
