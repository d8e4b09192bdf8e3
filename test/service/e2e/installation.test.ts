/**
 * `installation.suspend` / `unsuspend` / `deleted`: GitHub revokes the installation's tokens, so the
 * service forgets the cached one (in every thread and process, through the change log) and the next
 * delivery asks for a new token instead of failing with the revoked one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorld, type World } from './harness.js';
import { sendWebhook } from './send-webhook.js';

function tokensOf(w: World, installationId: number): number {
  return [...w.lg.state.tokens.values()].filter((t) => t.kind === 'installation' && t.installationId === installationId).length;
}

/** What GitHub does on suspension: every token of the installation stops working. */
function revokeTokens(w: World, installationId: number): number {
  let n = 0;
  for (const [token, t] of w.lg.state.tokens) {
    if (t.kind === 'installation' && t.installationId === installationId) {
      w.lg.state.tokens.delete(token);
      n++;
    }
  }
  return n;
}

test('after a suspension and its lifting, the next comment is evaluated with a new installation token', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const id = w.installationId!;
    w.lg.admin.suspend(id, true);
    await w.settle();
    assert.ok(revokeTokens(w, id) > 0, 'the service had a token');
    w.lg.admin.suspend(id, false);
    await w.settle();
    const before = w.evaluations.length;
    await w.comment(pr.number, 'bob', 'I approve');
    const e = w.evaluations.slice(before);
    assert.equal(e.length, 1, 'evaluated at the first attempt');
    assert.equal(tokensOf(w, id), 1, 'with a new token');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    assert.deepEqual(w.jobErrors, []);
    const logged = await w.sdb.db.selectFrom('membership_changes').select('org').execute();
    assert.deepEqual(logged.map((r) => r.org), [`installation:${id}`, `installation:${id}`]);
  });
});

test('other installation deliveries (created, a forged id) forget nothing and break nothing', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull();
    const tokens = tokensOf(w, w.installationId!);
    assert.equal(await sendWebhook(w, 'installation', { action: 'new_permissions_accepted', installation: { id: w.installationId, account: { login: 'acme' } } }), 202);
    assert.equal(await sendWebhook(w, 'installation', { action: 'suspend', installation: { id: '1; drop table x' } }), 202);
    assert.deepEqual(await w.sdb.db.selectFrom('membership_changes').select('org').execute(), []);
    const before = w.evaluations.length;
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal(w.evaluations.length, before + 1);
    assert.equal(tokensOf(w, w.installationId!), tokens, 'the cached token is still used');
    assert.deepEqual(w.jobErrors, []);
  });
});
