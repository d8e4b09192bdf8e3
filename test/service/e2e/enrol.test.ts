/**
 * Org auto-enrol in token mode (spec §15.2): a repository created in an enabled organisation is enabled
 * quietly — hook, required status context, row — and its deliveries are then authenticated with its own
 * secret; a deleted one is forgotten.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { Octokit } from '@octokit/rest';
import { REPO_HOOK_EVENTS } from '../../../src/service/enrol/repo-enrolment.js';
import { CONTEXT, ORG, REPO, withWorld, type World } from './harness.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Enables the organisation as the API would: an org row with a secret and an org hook for `repository` events. */
async function enableOrg(w: World): Promise<{ secret: string; userId: number; admin: Octokit }> {
  const accounts = w.accounts!;
  const userId = (await accounts.findRepo(REPO))!.userId;
  const secret = randomBytes(16).toString('hex');
  await accounts.upsertOrg({ userId, owner: ORG, hookSecret: secret });
  const admin = new Octokit({ baseUrl: w.apiUrl, auth: w.lg.admin.token('owner', ['repo', 'admin:org_hook', 'read:org']), log: quiet });
  await admin.rest.orgs.createWebhook({ org: ORG, name: 'web', events: ['repository'], config: { url: w.hookUrl, content_type: 'json', secret } });
  return { secret, userId, admin };
}

async function postSigned(w: World, secret: string, event: string, payload: unknown): Promise<number> {
  const body = JSON.stringify(payload);
  const res = await fetch(w.hookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomBytes(8).toString('hex'), 'x-hub-signature-256': await sign(secret, body) },
    body,
  });
  await res.arrayBuffer();
  await w.settle();
  return res.status;
}

test('token mode: a repository created in an enabled organisation is enabled with a hook and a required context', async () => {
  await withWorld({ mode: 'token' }, async (w) => {
    const { secret, userId, admin } = await enableOrg(w);
    await admin.rest.repos.createInOrg({ org: ORG, name: 'gadgets', auto_init: true });
    await w.settle();

    const enabled = await w.accounts!.findRepo(`${ORG}/gadgets`);
    assert.ok(enabled, 'the new repository is enabled');
    assert.equal(enabled.userId, userId, 'as the user who enabled the organisation');
    assert.notEqual(enabled.hookSecret, secret, 'with a secret of its own');

    const { data: hooks } = await admin.rest.repos.listWebhooks({ owner: ORG, repo: 'gadgets' });
    assert.equal(hooks.length, 1);
    assert.equal(hooks[0].config.url, w.hookUrl);
    assert.deepEqual([...hooks[0].events].sort(), [...REPO_HOOK_EVENTS].sort());
    const { data: protection } = await admin.rest.repos.getBranchProtection({ owner: ORG, repo: 'gadgets', branch: 'main' });
    assert.equal(protection.required_status_checks?.strict, true);
    assert.deepEqual(protection.required_status_checks?.contexts, [CONTEXT]);

    // Its own deliveries now authenticate with its own secret: a push is accepted and its time recorded.
    const sha = w.lg.admin.push(`${ORG}/gadgets`, { files: { 'docs.md': 'x\n' }, author: 'owner' });
    await w.settle();
    const push = [...w.lg.state.deliveries.values()].filter((d) => d.event === 'push').at(-1);
    assert.equal(push?.status_code, 202);
    const row = await w.sdb.db.selectFrom('push_times').selectAll().where('sha', '=', sha).executeTakeFirst();
    assert.ok(row, 'the push time of the new repository was recorded');

    // A second `created` for it (a redelivery) changes nothing: enabled once, one hook.
    await postSigned(w, secret, 'repository', { action: 'created', repository: { full_name: `${ORG}/gadgets`, name: 'gadgets', owner: { login: ORG } }, organization: { login: ORG } });
    assert.equal((await admin.rest.repos.listWebhooks({ owner: ORG, repo: 'gadgets' })).data.length, 1);
    assert.equal((await w.accounts!.findRepo(`${ORG}/gadgets`))?.hookSecret, enabled.hookSecret);

    // Deleted: forgotten (the original's check was inverted, spec §19).
    assert.equal(await postSigned(w, secret, 'repository', { action: 'deleted', repository: { full_name: `${ORG}/gadgets`, name: 'gadgets', owner: { login: ORG } }, organization: { login: ORG } }), 202);
    assert.equal(await w.accounts!.findRepo(`${ORG}/gadgets`), undefined);
    assert.ok(await w.accounts!.findRepo(REPO), 'other repositories stay enabled');
    assert.deepEqual(w.jobErrors, []);
  });
});

test('token mode: without an enabled organisation, or signed with another secret, a new repository is not enabled', async () => {
  await withWorld({ mode: 'token' }, async (w) => {
    const payload = { action: 'created', repository: { full_name: `${ORG}/tools`, name: 'tools', owner: { login: ORG } }, organization: { login: ORG } };
    // No org row: nothing can authenticate the delivery.
    assert.equal(await postSigned(w, 'whatever', 'repository', payload), 401);
    const { secret } = await enableOrg(w);
    assert.equal(await postSigned(w, `${secret}x`, 'repository', payload), 401);
    assert.equal(await w.accounts!.findRepo(`${ORG}/tools`), undefined);
    // Signed right but the repository does not exist on GitHub: nothing enabled, no failure.
    assert.equal(await postSigned(w, secret, 'repository', payload), 202);
    assert.equal(await w.accounts!.findRepo(`${ORG}/tools`), undefined);
    assert.deepEqual(w.jobErrors, []);
  });
});

test('App mode: repository.created needs nothing (an installation on all repositories covers it)', async () => {
  await withWorld({}, async (w) => {
    const before = (await w.queue.depth()).done;
    await w.as('owner').rest.repos.createInOrg({ org: ORG, name: 'gadgets', auto_init: true });
    await w.settle();
    const created = [...w.lg.state.deliveries.values()].filter((d) => d.event === 'repository').at(-1);
    assert.equal(created?.status_code, 200, 'answered as needing no work');
    assert.equal((await w.queue.depth()).done, before, 'nothing queued');
  });
});
