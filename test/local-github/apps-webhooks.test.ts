import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { generateKeyPairSync } from 'node:crypto';
import { failure, quiet, seedBasic, startWorld, type World } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';
import type { App as AppRecord, Installation } from '../../src/local-github/state/types.js';

let w: World;
let appRx: Receiver;
let hookRx: Receiver;
let appRec: AppRecord;
let inst: Installation;

before(async () => {
  w = await startWorld();
  await seedBasic(w);
  appRx = await startReceiver('app-secret');
  hookRx = await startReceiver('hook-secret');
  appRec = w.lg.admin.createApp('checks-out', { webhook_url: appRx.url, webhook_secret: 'app-secret' });
  inst = w.lg.admin.install('checks-out', 'acme', ['acme/widgets']);
  await w.lg.webhooks.idle();
});
after(async () => {
  await w.close();
  await appRx.close();
  await hookRx.close();
});

function octokitApp(privateKey = appRec.private_key): App {
  return new App({
    appId: appRec.id, privateKey, webhooks: { secret: 'app-secret' },
    Octokit: Octokit.defaults({ baseUrl: w.apiUrl, log: quiet }),
  });
}

test('installation.created was delivered to the app webhook with a valid signature', () => {
  const created = appRx.received.find((r) => r.event === 'installation');
  assert.ok(created);
  assert.equal(created.signatureValid, true);
  assert.equal(created.payload.action, 'created');
  assert.equal((created.payload.installation as { id: number }).id, inst.id);
  assert.deepEqual((created.payload.repositories as { full_name: string }[]).map((r) => r.full_name), ['acme/widgets']);
});

test('app JWT (RS256) authenticates /app; a JWT signed with another key is 401', async () => {
  const { data } = await octokitApp().octokit.request('GET /app');
  assert.equal(data?.id, appRec.id);
  assert.equal(data?.slug, 'checks-out');
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const err = await failure(octokitApp(other).octokit.request('GET /app'));
  assert.equal(err.status, 401);
  const installs = await octokitApp().octokit.request('GET /app/installations');
  assert.deepEqual(installs.data.map((i) => i.id), [inst.id]);
});

test('installation tokens: permissions, repository scope, private repos outside the installation are 404', async () => {
  const octo = await octokitApp().getInstallationOctokit(inst.id);
  const repos = await octo.request('GET /installation/repositories');
  assert.deepEqual(repos.data.repositories.map((r) => r.full_name), ['acme/widgets']);
  const pr = await octo.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'widgets' });
  assert.equal(pr.data.full_name, 'acme/widgets');
  assert.equal((await failure(octo.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'secret' }))).status, 404);
  // A token narrowed to read-only statuses cannot write them.
  const jwtOcto = octokitApp().octokit;
  const narrowed = await jwtOcto.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: inst.id, permissions: { statuses: 'read', metadata: 'read' } });
  assert.equal(narrowed.status, 201);
  assert.match(narrowed.data.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const ro = new Octokit({ baseUrl: w.apiUrl, auth: narrowed.data.token, log: quiet });
  const sha = w.lg.admin.repo('acme/widgets').refs.get('refs/heads/main')!;
  const denied = await failure(ro.repos.createCommitStatus({ owner: 'acme', repo: 'widgets', sha, state: 'success' }));
  assert.equal(denied.status, 403);
  assert.equal((denied.response?.data as { message: string }).message, 'Resource not accessible by integration');
  // Asking for more than the installation has is 422.
  const tooMuch = await failure(jwtOcto.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: inst.id, permissions: { secrets: 'write' } }));
  assert.equal(tooMuch.status, 422);
});

test('installation tokens expire after an hour (injectable clock)', async () => {
  const token = w.lg.admin.installationToken(inst.id);
  const o = new Octokit({ baseUrl: w.apiUrl, auth: token, log: quiet });
  await o.request('GET /installation/repositories');
  w.clock.advance(3600_000 + 1000);
  assert.equal((await failure(o.request('GET /installation/repositories'))).status, 401);
});

test('webhooks: push and pull_request to the app and a repo hook, signed, recorded, redeliverable', async () => {
  const alice = w.octo('alice');
  const hook = await alice.repos.createWebhook({ owner: 'acme', repo: 'widgets', config: { url: hookRx.url, content_type: 'json', secret: 'hook-secret' }, events: ['push', 'pull_request_review'] });
  assert.equal(hook.data.config.secret, '********');
  const before = appRx.received.length;
  const sha = w.lg.admin.push('acme/widgets', { branch: 'hooked', files: { 'h.txt': 'h\n' }, author: 'bob', from: 'main' });
  await w.lg.webhooks.idle();
  const appPush = appRx.received.slice(before).find((r) => r.event === 'push');
  assert.ok(appPush?.signatureValid);
  assert.equal(appPush.payload.after, sha);
  assert.equal(appPush.payload.ref, 'refs/heads/hooked');
  assert.deepEqual(appPush.payload.installation, { id: inst.id, node_id: (appPush.payload.installation as { node_id: string }).node_id });
  assert.equal((appPush.headers['user-agent'] as string).startsWith('GitHub-Hookshot/'), true);
  const hookPush = hookRx.received.find((r) => r.event === 'push' && r.payload.after === sha);
  assert.ok(hookPush?.signatureValid);
  assert.equal(hookPush.payload.installation, undefined);
  assert.equal(hookPush.headers['x-github-hook-id'], String(hook.data.id));

  // Review state is lowercase in webhooks.
  const pr = w.lg.admin.openPull('acme/widgets', { author: 'bob', title: 'hooked', head: 'hooked' });
  w.lg.admin.review('acme/widgets', pr.number, 'alice', 'APPROVE');
  await w.lg.webhooks.idle();
  const review = hookRx.received.find((r) => r.event === 'pull_request_review');
  assert.equal((review?.payload.review as { state: string }).state, 'approved');
  assert.ok(appRx.received.some((r) => r.event === 'pull_request' && r.payload.action === 'opened'));

  // Deliveries are listed, and a redelivery sends the same GUID again.
  const list = await alice.repos.listWebhookDeliveries({ owner: 'acme', repo: 'widgets', hook_id: hook.data.id });
  assert.ok(list.data.length >= 2);
  const first = list.data.find((d) => d.event === 'push')!;
  assert.equal(first.status_code, 200);
  const full = await alice.repos.getWebhookDelivery({ owner: 'acme', repo: 'widgets', hook_id: hook.data.id, delivery_id: first.id });
  assert.equal(full.data.response.payload, 'thanks');
  hookRx.respondWith = 500;
  await alice.repos.redeliverWebhookDelivery({ owner: 'acme', repo: 'widgets', hook_id: hook.data.id, delivery_id: first.id });
  await w.lg.webhooks.idle();
  hookRx.respondWith = 200;
  const again = hookRx.received.filter((r) => r.delivery === first.guid);
  assert.equal(again.length, 2);
  const after = await alice.repos.listWebhookDeliveries({ owner: 'acme', repo: 'widgets', hook_id: hook.data.id });
  const redelivery = after.data.find((d) => d.redelivery);
  assert.equal(redelivery?.status_code, 500);

  // App webhook deliveries via the JWT endpoints.
  const appDeliveries = await octokitApp().octokit.request('GET /app/hook/deliveries');
  assert.ok(appDeliveries.data.some((d) => d.event === 'push'));

  await alice.repos.deleteWebhook({ owner: 'acme', repo: 'widgets', hook_id: hook.data.id });
  assert.deepEqual((await alice.repos.listWebhooks({ owner: 'acme', repo: 'widgets' })).data, []);
});

test('organization hooks need an org owner with admin:org_hook and receive org repo events', async () => {
  const orgRx = await startReceiver(null);
  try {
    const token = w.lg.admin.token('alice', ['repo', 'admin:org_hook']);
    const o = new Octokit({ baseUrl: w.apiUrl, auth: token, log: quiet });
    const hook = await o.orgs.createWebhook({ org: 'acme', name: 'web', config: { url: orgRx.url, content_type: 'json' }, events: ['issue_comment'] });
    assert.equal(hook.data.type, 'Organization');
    assert.equal((await failure(w.octo('bob').orgs.listWebhooks({ org: 'acme' }))).status, 404);
    w.lg.admin.push('acme/widgets', { branch: 'org-hooked', files: { 'o.txt': 'o\n' }, author: 'bob', from: 'main' });
    const pr = w.lg.admin.openPull('acme/widgets', { author: 'bob', title: 'org hook', head: 'org-hooked', base: 'main' });
    w.lg.admin.comment('acme/widgets', pr.number, 'alice', 'LGTM');
    await w.lg.webhooks.idle();
    const c = orgRx.received.find((r) => r.event === 'issue_comment');
    assert.equal((c?.payload.comment as { body: string }).body, 'LGTM');
    assert.ok((c?.payload.issue as { pull_request?: unknown }).pull_request);
    assert.equal(c?.signatureValid, true);
    await o.orgs.deleteWebhook({ org: 'acme', hook_id: hook.data.id });
    assert.deepEqual((await o.orgs.listWebhooks({ org: 'acme' })).data, []);
  } finally {
    await orgRx.close();
  }
});

test('@octokit/app verifies and dispatches deliveries from the emulator', async () => {
  const app = octokitApp();
  const seen: string[] = [];
  app.webhooks.on('issue_comment.created', ({ payload }) => {
    seen.push(payload.comment.body);
  });
  const rx = appRx.received.filter((r) => r.event === 'issue_comment');
  assert.ok(rx.length > 0);
  const d = [...w.lg.state.deliveries.values()].find((x) => x.event === 'issue_comment' && x.target.kind === 'app')!;
  await app.webhooks.verifyAndReceive({ id: d.guid, name: 'issue_comment', payload: d.request.payload, signature: d.request.headers['x-hub-signature-256'] });
  assert.deepEqual(seen, ['LGTM']);
});
