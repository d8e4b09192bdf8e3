import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { quiet, seedBasic, startWorld, type World } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';

let w: World;
let rx: Receiver;

before(async () => {
  w = await startWorld();
  await seedBasic(w);
  rx = await startReceiver('k');
});
after(async () => {
  await w.close();
  await rx.close();
});

test('installation lifecycle events go to the app webhook only', async () => {
  const a = w.lg.admin;
  a.createApp('lifecycle', { webhook_url: rx.url, webhook_secret: 'k' });
  const inst = a.install('lifecycle', 'acme', ['acme/widgets'], 'alice');
  a.setInstallationRepos(inst.id, ['acme/secret'], ['acme/widgets']);
  await w.lg.webhooks.idle();
  const kinds = rx.received.map((r) => `${r.event}.${String(r.payload.action)}`);
  assert.deepEqual(kinds, ['installation.created', 'installation_repositories.added', 'installation_repositories.removed']);
  const added = rx.received[1].payload;
  assert.deepEqual((added.repositories_added as { full_name: string }[]).map((r) => r.full_name), ['acme/secret']);
  assert.equal((added.sender as { login: string }).login, 'alice');
  // Deleting the installation through the API (app JWT) fires installation.deleted and revokes its tokens.
  const token = a.installationToken(inst.id);
  const jwt = new Octokit({ baseUrl: w.apiUrl, auth: a.appJwt('lifecycle'), log: quiet });
  await jwt.apps.deleteInstallation({ installation_id: inst.id });
  await w.lg.webhooks.idle();
  assert.equal(rx.received.at(-1)?.payload.action, 'deleted');
  const res = await fetch(`${w.apiUrl}/installation/repositories`, { headers: { authorization: `token ${token}` } });
  assert.equal(res.status, 401);
});

test('pull requests from forks: head in the fork, base sees the commits, synchronize on fork pushes', async () => {
  const a = w.lg.admin;
  a.fork('acme/widgets', 'carol');
  a.push('carol/widgets', { branch: 'patch', files: { 'fork.txt': 'f\n' }, author: 'carol' });
  const carol = w.octo('carol');
  const pr = await carol.pulls.create({ owner: 'acme', repo: 'widgets', title: 'From fork', head: 'carol:patch', base: 'main' });
  assert.equal(pr.data.head.repo?.full_name, 'carol/widgets');
  assert.equal(pr.data.base.repo.full_name, 'acme/widgets');
  const commit = await w.octo('alice').repos.getCommit({ owner: 'acme', repo: 'widgets', ref: pr.data.head.sha });
  assert.equal(commit.data.sha, pr.data.head.sha);
  const sha = a.push('carol/widgets', { branch: 'patch', files: { 'fork.txt': 'f2\n' }, author: 'carol' });
  const again = await carol.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: pr.data.number });
  assert.equal(again.data.head.sha, sha);
  // The Checks API reports same-repository PRs only.
  assert.deepEqual(w.lg.ctx.pullsForHead(a.repo('acme/widgets'), sha), []);
});

test('a throwing bus handler does not break the request and is recorded', async () => {
  const off = w.lg.bus.on('push', () => {
    throw new Error('handler bug');
  });
  try {
    const sha = w.lg.admin.push('acme/widgets', { branch: 'bus', files: { 'b.txt': 'x\n' }, author: 'bob', from: 'main' });
    assert.match(sha, /^[0-9a-f]{40}$/);
    assert.ok(w.lg.busErrors.some((e) => (e as Error).message === 'handler bug'));
  } finally {
    off();
  }
});

test('push events carry the new commits in order, created/forced flags, and fire after extension handlers', async () => {
  const order: string[] = [];
  const seen: { commits: string[]; created: boolean; forced: boolean }[] = [];
  const off = w.lg.bus.on('push', (e) => {
    order.push('extension');
    seen.push({ commits: e.commits, created: e.created, forced: e.forced });
  });
  try {
    const a = w.lg.admin;
    const c1 = a.push('acme/widgets', { branch: 'ordered', files: { 'o.txt': '1\n' }, author: 'bob', from: 'main' });
    const c2 = a.push('acme/widgets', { branch: 'ordered', files: { 'o.txt': '2\n' }, author: 'bob' });
    assert.deepEqual(seen[0], { commits: [c1], created: true, forced: false });
    assert.deepEqual(seen[1], { commits: [c2], created: false, forced: false });
    const alice = w.octo('alice');
    await alice.git.updateRef({ owner: 'acme', repo: 'widgets', ref: 'heads/ordered', sha: c1, force: true });
    assert.equal(seen[2].forced, true);
    assert.deepEqual(order, ['extension', 'extension', 'extension']);
  } finally {
    off();
  }
});

test('suspended installations: tokens answer 403, events suspend/unsuspend reach the app', async () => {
  const a = w.lg.admin;
  const inst = a.install('lifecycle', 'acme', 'all', 'alice');
  const token = a.installationToken(inst.id);
  await w.lg.webhooks.idle();
  const before = rx.received.length;
  const res = await fetch(`${w.webUrl}/_emulator/installations/${inst.id}/suspend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"suspended":true}' });
  assert.equal(res.status, 204);
  const denied = await fetch(`${w.apiUrl}/installation/repositories`, { headers: { authorization: `token ${token}` } });
  assert.equal(denied.status, 403);
  assert.equal(((await denied.json()) as { message: string }).message, 'This installation has been suspended');
  a.suspend(inst.id, false);
  await w.lg.webhooks.idle();
  const ok = await fetch(`${w.apiUrl}/installation/repositories`, { headers: { authorization: `token ${token}` } });
  assert.equal(ok.status, 200);
  assert.deepEqual(rx.received.slice(before).map((r) => r.payload.action), ['suspend', 'unsuspend']);
});
