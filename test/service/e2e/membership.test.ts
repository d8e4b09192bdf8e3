/**
 * Membership webhooks (`membership`, `team`, `organization`, `member`) make the next evaluation re-read the
 * organisation's membership instead of trusting cached answers until CACHE_TTL. The local GitHub does not
 * send these events, so the test changes the team on it and sends the delivery GitHub would send.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORG, withWorld, type World } from './harness.js';
import { sendWebhook } from './send-webhook.js';

const config = '{ approvals: [ { match: "core[count=1]" } ] }\n';
const maintainers = 'github-team core\ndave\n';

function teamMembershipRemoved(login: string) {
  return {
    action: 'removed',
    scope: 'team',
    member: { login, id: 1, type: 'User' },
    team: { name: 'core', slug: 'core', id: 1 },
    organization: { login: ORG, id: 2 },
    sender: { login: 'owner', id: 3, type: 'User' },
  };
}

async function approvedByBob(w: World, pr: number) {
  await w.comment(pr, 'bob', 'I approve');
  assert.deepEqual(await w.status(pr), { state: 'success', description: 'approved by bob', creator: 'checks-out[bot]' });
}

for (const viaService of [false, true]) {
  test(`a team member removed on GitHub no longer approves on the very next comment (${viaService ? 'as serve assembles it' : 'own assembly'})`, async () => {
    await withWorld({ config, maintainers, viaService }, async (w) => {
      const pr = await w.openPull();
      await approvedByBob(w, pr.number);
      w.lg.admin.removeTeamMember(ORG, 'core', 'bob');
      if (!viaService) {
        // Without the webhook the cached team (TTL) still counts bob: this is what the delivery fixes.
        await w.comment(pr.number, 'erin', 'any news?');
        assert.equal((await w.status(pr.number))?.state, 'success');
      }
      assert.equal(await sendWebhook(w, 'membership', teamMembershipRemoved('bob')), 202, 'queued, not dropped by triage');
      await w.comment(pr.number, 'erin', 'ping');
      assert.deepEqual(await w.status(pr.number), { state: 'pending', description: 'no approvals received', creator: 'checks-out[bot]' });
      const changes = await w.sdb.db.selectFrom('membership_changes').select('org').execute();
      assert.deepEqual(changes.map((c) => c.org), [ORG]);
      assert.deepEqual(w.jobErrors, []);
    });
  });
}

test('an org member_added is recorded; member_invited and a delivery without an organisation change nothing', async () => {
  await withWorld({ config, maintainers }, async (w) => {
    const org = { login: ORG, id: 2 };
    const member = { login: 'erin', id: 5 };
    assert.equal(await sendWebhook(w, 'organization', { action: 'member_invited', organization: org, invitation: { login: 'erin' } }), 202);
    assert.equal(await sendWebhook(w, 'team', { action: 'edited', team: { slug: 'core' } }), 202);
    assert.equal(await sendWebhook(w, 'membership', { action: 'added', organization: { login: '../../etc' }, member }), 202);
    assert.deepEqual(await w.sdb.db.selectFrom('membership_changes').select('org').execute(), []);
    assert.equal(await sendWebhook(w, 'organization', { action: 'member_added', organization: org, membership: { user: member } }), 202);
    assert.deepEqual((await w.sdb.db.selectFrom('membership_changes').select('org').execute()).map((c) => c.org), [ORG]);
    assert.deepEqual(w.jobErrors, []);
  });
});
