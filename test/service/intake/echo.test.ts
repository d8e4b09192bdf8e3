/** Intake's recognition of checks-out's own status echo (the decision log, no GitHub), on each database. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ownStatusEcho, serviceTriage } from '../../../src/service/intake/echo.js';
import { recordDecision } from '../../../src/service/store/decisions.js';
import { testDatabases } from '../helpers/databases.js';

const SHA = 'c'.repeat(40);
const CONTEXT = 'approvals/checks-out';
const OPTIONS = { brandingShort: 'checks-out', statusContext: CONTEXT, checkRunName: 'checks-out' };

function status(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sha: SHA, state: 'success', description: 'approved by bob', context: CONTEXT, repository: { full_name: 'Acme/App' }, ...extra };
}

for (const kind of testDatabases()) {
  describe(`intake status echo on ${kind.name}`, { skip: kind.skip }, () => {
    test('the latest decision on the commit, repeated: an echo; anything else is queued', async () => {
      const t = await kind.create();
      try {
        assert.equal(await ownStatusEcho(t.sdb, status(), OPTIONS), undefined, 'nothing decided yet');
        await recordDecision(t.sdb, {
          repo: 'Acme/App', prNumber: 3, headSha: SHA, policy: null, approvers: ['bob'], disapprovers: [], configHash: null,
          state: 'success', description: 'approved by bob', decidedAt: 1000, deliveries: [],
        });
        assert.match((await ownStatusEcho(t.sdb, status(), OPTIONS)) ?? '', /echo/);
        assert.match((await ownStatusEcho(t.sdb, status({ repository: { full_name: 'acme/app' } }), OPTIONS)) ?? '', /echo/, 'repository names are case-insensitive');
        // A forgery (other state or text), another commit, or another context is not ours to drop.
        assert.equal(await ownStatusEcho(t.sdb, status({ state: 'failure' }), OPTIONS), undefined);
        assert.equal(await ownStatusEcho(t.sdb, status({ description: 'approved by mallory' }), OPTIONS), undefined);
        assert.equal(await ownStatusEcho(t.sdb, status({ sha: 'd'.repeat(40) }), OPTIONS), undefined);
        assert.equal(await ownStatusEcho(t.sdb, status({ context: 'ci/build' }), OPTIONS), undefined);
        // A newer decision makes the old text a stale status to correct.
        await recordDecision(t.sdb, {
          repo: 'acme/app', prNumber: 3, headSha: SHA, policy: null, approvers: [], disapprovers: [], configHash: null,
          state: 'pending', description: 'no approvals received', decidedAt: 2000, deliveries: [],
        });
        assert.equal(await ownStatusEcho(t.sdb, status(), OPTIONS), undefined);
        // The service's triage: classification first, then the log.
        const triage = serviceTriage(t.sdb, OPTIONS);
        assert.match((await triage('status', status({ state: 'pending', description: 'no approvals received' }))) ?? '', /echo/);
        assert.equal(await triage('status', status()), undefined);
        assert.match((await triage('status', status({ context: 'ci/build' }))) ?? '', /context/);
        assert.equal(await triage('push', { ref: 'refs/heads/main' }), undefined);
      } finally {
        await t.cleanup();
      }
    });

    test('hostile payloads are queued for the pipeline, never thrown on', async () => {
      const t = await kind.create();
      try {
        for (const p of [
          {},
          { context: CONTEXT },
          status({ sha: 42 }),
          status({ sha: 'not-a-sha' }),
          status({ repository: 'acme/app' }),
          status({ repository: { full_name: '../../etc' } }),
          status({ state: ['success'] }),
          status({ description: { toString: 1 } }),
          JSON.parse(`{"context":"${CONTEXT}","__proto__":{"sha":"${SHA}"},"repository":{"full_name":"acme/app"},"state":"success"}`) as Record<string, unknown>,
        ]) {
          assert.equal(await ownStatusEcho(t.sdb, p, OPTIONS), undefined, JSON.stringify(p));
        }
      } finally {
        await t.cleanup();
      }
    });
  });
}
