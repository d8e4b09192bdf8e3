/**
 * Default-branch policy files and PR file lists between evaluations: a warm evaluation reads neither, a
 * push to the default branch makes the next evaluation read the new policy at once (both GitHub modes),
 * and a change checks-out never heard of is read once POLICY_CACHE_TTL has passed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorld, type World } from './harness.js';

const CONTENTS = 'GET /repos/{owner}/{repo}/contents/{path}';
const FILES = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files';
const TWO_APPROVALS = '{ approvals: [ { match: "all[count=2,self=false]" } ] }\n';

function lastEvaluation(w: World, pr: number) {
  const e = w.evaluations.filter((x) => x.pr === pr).at(-1);
  assert.ok(e, 'the PR was evaluated');
  return e;
}

test('a warm evaluation reads no policy file and no file list; a new head lists its files again', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'carol', 'a first look');
    const e = lastEvaluation(w, pr.number);
    assert.equal(e.calls[CONTENTS], undefined, JSON.stringify(e.calls));
    assert.equal(e.calls[FILES], undefined, JSON.stringify(e.calls));
    assert.equal(e.rateLimitCost, 3, JSON.stringify(e.calls));

    // A push gives the PR a new head (and diff): its files are listed again, and a scope sees them.
    await w.push('feature', { 'docs/guide.md': 'new\n' });
    const after = lastEvaluation(w, pr.number);
    assert.equal(after.calls[FILES]?.requests, 1, JSON.stringify(after.calls));
    assert.equal(after.calls[CONTENTS], undefined, 'the default branch did not move');
  });
});

for (const mode of ['app', 'token'] as const) {
  test(`a policy change pushed to the default branch decides the next evaluation (${mode} mode)`, async () => {
    await withWorld({ mode }, async (w) => {
      const pr = await w.openPull();
      assert.equal((await w.status(pr.number))?.state, 'pending');
      await w.push('main', { '.checks-out': TWO_APPROVALS }, 'owner');
      await w.comment(pr.number, 'bob', 'I approve');
      const e = lastEvaluation(w, pr.number);
      assert.ok((e.calls[CONTENTS]?.requests ?? 0) >= 1, `the policy is read again: ${JSON.stringify(e.calls)}`);
      // One approval of the two the new policy asks for.
      assert.equal((await w.status(pr.number))?.state, 'pending');
      await w.comment(pr.number, 'carol', 'I approve');
      assert.equal((await w.status(pr.number))?.state, 'success');
    });
  });
}

test('a change whose push never reached checks-out is read once POLICY_CACHE_TTL has passed', async () => {
  await withWorld({ policyCacheTtlMs: 30_000 }, async (w) => {
    const pr = await w.openPull();
    // The push goes unheard: the app has no webhook URL for the moment.
    const url = w.app!.webhook_url;
    w.app!.webhook_url = null;
    await w.push('main', { '.checks-out': TWO_APPROVALS }, 'owner');
    w.app!.webhook_url = url;
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.state, 'success', 'the cached policy (one approval) still decides');

    w.clock.advance(31_000);
    await w.comment(pr.number, 'alice', 'anything new?');
    assert.equal((await w.status(pr.number))?.state, 'pending', 'the new policy (two approvals) decides after the TTL');
  });
});

test('POLICY_CACHE_TTL 0: every evaluation revalidates the policy files (free 304s)', async () => {
  await withWorld({ policyCacheTtlMs: 0 }, async (w) => {
    const pr = await w.openPull();
    await w.comment(pr.number, 'carol', 'a first look');
    const e = lastEvaluation(w, pr.number);
    assert.equal(e.calls[CONTENTS]?.requests, 2, JSON.stringify(e.calls));
    assert.equal(e.calls[CONTENTS]?.notModified, 2, JSON.stringify(e.calls));
  });
});
