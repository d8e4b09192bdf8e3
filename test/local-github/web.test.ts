import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { quiet, seedBasic, startWorld, type World } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';

let w: World;
let rx: Receiver;

before(async () => {
  w = await startWorld();
  await seedBasic(w);
  rx = await startReceiver('s3cret');
  w.lg.admin.createApp('gate', { webhook_url: rx.url, webhook_secret: 's3cret' });
  w.lg.admin.install('gate', 'acme', 'all');
});
after(async () => {
  await w.close();
  await rx.close();
});

function octokitApp(): App {
  const rec = w.lg.admin.app('gate');
  return new App({
    appId: rec.id, privateKey: rec.private_key, oauth: { clientId: rec.client_id, clientSecret: rec.client_secret },
    Octokit: Octokit.defaults({ baseUrl: w.apiUrl, log: quiet }), log: quiet,
  });
}

test('OAuth web flow: authorize page, redirect with code and state, token exchange through @octokit/app', async () => {
  const rec = w.lg.admin.app('gate');
  const page = await fetch(`${w.webUrl}/login/oauth/authorize?client_id=${rec.client_id}&state=xyz&redirect_uri=${encodeURIComponent('http://localhost:9/cb')}`);
  assert.equal(page.status, 200);
  const text = await page.text();
  assert.match(text, /Authorize gate/);
  assert.match(text, /<option value="alice">/);
  const form = new URLSearchParams({ client_id: rec.client_id, redirect_uri: 'http://localhost:9/cb', state: 'xyz', login: 'alice' });
  const res = await fetch(`${w.webUrl}/login/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(res.status, 302);
  const loc = new URL(res.headers.get('location')!);
  assert.equal(loc.searchParams.get('state'), 'xyz');
  const code = loc.searchParams.get('code')!;
  const app = octokitApp();
  const { authentication } = await app.oauth.createToken({ code, redirectUrl: 'http://localhost:9/cb' });
  assert.match(authentication.token, /^ghu_/);
  const user = new Octokit({ baseUrl: w.apiUrl, auth: authentication.token, log: quiet });
  assert.equal((await user.users.getAuthenticated()).data.login, 'alice');
  // Codes are single use: the second exchange fails the way GitHub answers (200 with an error field).
  await assert.rejects(app.oauth.createToken({ code }), /bad_verification_code|incorrect or expired/);
  const unknown = await fetch(`${w.webUrl}/login/oauth/authorize?client_id=nope`);
  assert.equal(unknown.status, 404);
});

test('HTML PR view shows conversation, statuses and check runs, and escapes user content', async () => {
  const a = w.lg.admin;
  const sha = a.push('acme/widgets', { branch: 'view', files: { 'v.txt': 'v\n' }, author: 'bob', from: 'main' });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'View <script>alert(1)</script>', head: 'view' });
  a.comment('acme/widgets', pr.number, 'alice', 'Nice & <b>bold</b>');
  a.review('acme/widgets', pr.number, 'alice', 'APPROVE');
  a.status('acme/widgets', sha, 'alice', 'pending', 'approvals/checks-out', 'more approvals needed');
  const res = await fetch(`${w.webUrl}/acme/widgets/pull/${pr.number}`);
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.ok(!body.includes('<script>alert(1)</script>'));
  assert.ok(body.includes('View &#60;script&#62;alert(1)&#60;/script&#62;'));
  assert.ok(body.includes('Nice &#38; &#60;b&#62;bold&#60;/b&#62;'));
  assert.match(body, /approved/);
  assert.match(body, /approvals\/checks-out/);
  assert.match(body, /more approvals needed/);
  assert.equal((await fetch(`${w.webUrl}/acme/widgets/pull/999`)).status, 404);
  assert.equal((await fetch(`${w.webUrl}/acme/widgets`)).status, 200);
});

test('HTML PR view lists check runs with a requested-action button that notifies the app', async (t) => {
  if (!w.lg.state.extension('checks')) return t.skip('the Checks module is not loaded');
  const a = w.lg.admin;
  const sha = a.push('acme/widgets', { branch: 'checked', files: { 'c.txt': 'c\n' }, author: 'bob', from: 'main' });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'Checked', head: 'checked' });
  const inst = [...w.lg.state.installations.values()].find((i) => i.appId === a.app('gate').id)!;
  const octo = await octokitApp().getInstallationOctokit(inst.id);
  const run = await octo.request('POST /repos/{owner}/{repo}/check-runs', {
    owner: 'acme', repo: 'widgets', name: 'policy', head_sha: sha, status: 'completed', conclusion: 'action_required',
    output: { title: 'Needs approval', summary: 'Two approvals are required.', annotations: [{ path: 'c.txt', start_line: 1, end_line: 1, annotation_level: 'warning', message: 'Unreviewed file' }] },
    actions: [{ label: 'Re-check', description: 'Evaluate the policy again', identifier: 'recheck' }],
  });
  const body = await (await fetch(`${w.webUrl}/acme/widgets/pull/${pr.number}`)).text();
  assert.match(body, /Needs approval/);
  assert.match(body, /Two approvals are required\./);
  assert.match(body, /Unreviewed file/);
  assert.match(body, /value="recheck"/);
  const click = await fetch(`${w.webUrl}/acme/widgets/pull/${pr.number}/checks/${run.data.id}/action`, {
    method: 'POST', body: new URLSearchParams({ login: 'alice', identifier: 'recheck' }), redirect: 'manual',
  });
  assert.equal(click.status, 303);
  await w.lg.webhooks.idle();
  const got = rx.received.find((r) => r.event === 'check_run' && r.payload.action === 'requested_action');
  assert.ok(got?.signatureValid);
  assert.deepEqual(got.payload.requested_action, { identifier: 'recheck' });
});

test('avatars and the repository list are served; control API 404s are JSON', async () => {
  const avatar = await fetch(`${w.webUrl}/_emulator/avatars/1001`);
  assert.equal(avatar.status, 200);
  assert.match(avatar.headers.get('content-type') ?? '', /image\/svg\+xml/);
  const index = await (await fetch(`${w.webUrl}/`)).text();
  assert.match(index, /acme\/widgets/);
  const missing = await fetch(`${w.webUrl}/_emulator/no/such/route`);
  assert.equal(missing.status, 404);
});
