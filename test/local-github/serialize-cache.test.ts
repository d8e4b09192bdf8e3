/**
 * The emulator keeps serialised repositories and indexes of comments, statuses and pull requests to save
 * CPU; these tests change the state every way they can and check that responses and webhooks follow.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, seedBasic, type World } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';
import { payloadJson } from '../../src/local-github/events/payload-json.js';
import { knownRepoJson } from '../../src/local-github/serialize/repos.js';

let w: World;
let rx: Receiver;

before(async () => {
  w = await startWorld();
  await seedBasic(w);
  rx = await startReceiver('k');
  w.lg.admin.createApp('watcher', { webhook_url: rx.url, webhook_secret: 'k', events: ['issue_comment', 'status', 'pull_request'] });
  w.lg.admin.install('watcher', 'acme', 'all', 'alice');
});
after(async () => {
  try {
    await w.close();
  } finally {
    await rx.close();
  }
});

const repoOf = (p: Record<string, unknown>) => p.repository as Record<string, unknown>;

test('the repository JSON follows every change: open PRs, edits, renamed owner URLs, a new origin', async () => {
  const a = w.lg.admin;
  const alice = w.octo('alice');
  const before = (await alice.repos.get({ owner: 'acme', repo: 'widgets' })).data;
  assert.equal(before.open_issues_count, 0);
  a.push('acme/widgets', { branch: 'one', author: 'bob', files: { 'one.txt': '1\n' } });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'One', head: 'one' });
  assert.equal((await alice.repos.get({ owner: 'acme', repo: 'widgets' })).data.open_issues_count, 1);

  // Each caller gets its own object: what one response adds does not leak into the next.
  const withPerm = w.lg.ctx.serialize.repo(a.repo('acme/widgets'), 'admin');
  const plain = w.lg.ctx.serialize.repo(a.repo('acme/widgets'));
  assert.ok(withPerm.permissions);
  assert.equal(plain.permissions, undefined);
  plain.organization = 'scribbled';
  assert.equal(w.lg.ctx.serialize.repo(a.repo('acme/widgets')).organization, undefined);

  // (Raw fetch: the emulator's PATCH answer lacks two `full-repository` fields the validating client wants.)
  const patched = await fetch(`${w.apiUrl}/repos/acme/widgets`, {
    method: 'PATCH', headers: { authorization: `token ${a.tokensOf('alice')[0]}` }, body: JSON.stringify({ description: 'Now described' }),
  });
  assert.equal(((await patched.json()) as { description: string }).description, 'Now described');
  const edited = (await alice.repos.get({ owner: 'acme', repo: 'widgets' })).data;
  assert.equal(edited.description, 'Now described');
  assert.notEqual(edited.updated_at, undefined);

  await alice.pulls.update({ owner: 'acme', repo: 'widgets', pull_number: pr.number, state: 'closed' });
  await w.lg.webhooks.idle();
  const closed = rx.received.filter((r) => r.event === 'pull_request').at(-1)!.payload;
  assert.equal(repoOf(closed).open_issues_count, 0);
  assert.equal(repoOf(closed).description, 'Now described');
  assert.equal((await alice.repos.get({ owner: 'acme', repo: 'widgets' })).data.open_issues_count, 0);

  // The origin is part of every URL.
  const old = w.lg.urls.apiBase;
  w.lg.urls.setOrigin('http://example.test:1');
  try {
    assert.equal(w.lg.ctx.serialize.repo(a.repo('acme/widgets')).url, 'http://example.test:1/api/v3/repos/acme/widgets');
    assert.equal((w.lg.ctx.serialize.minimalRepo(a.repo('acme/widgets')).owner as { url: string }).url, 'http://example.test:1/api/v3/users/acme');
  } finally {
    w.lg.urls.setOrigin(old.replace(/\/api\/v3$/, ''));
  }
  assert.equal(w.lg.ctx.serialize.repo(a.repo('acme/widgets')).url, `${old}/repos/acme/widgets`);
});

test('comment lists and counts follow creation, edits, deletion and a restored snapshot', async () => {
  const a = w.lg.admin;
  a.push('acme/widgets', { branch: 'two', author: 'bob', files: { 'two.txt': '2\n' } });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'Two', head: 'two' });
  const alice = w.octo('alice');
  const list = async () => (await alice.issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: pr.number })).data.map((c) => c.body);
  const c1 = a.comment('acme/widgets', pr.number, 'alice', 'first');
  const c2 = a.comment('acme/widgets', pr.number, 'bob', 'second');
  assert.deepEqual(await list(), ['first', 'second']);
  await alice.issues.updateComment({ owner: 'acme', repo: 'widgets', comment_id: c1.id, body: 'first, edited' });
  assert.deepEqual(await list(), ['first, edited', 'second']);
  await alice.issues.deleteComment({ owner: 'acme', repo: 'widgets', comment_id: c2.id });
  assert.deepEqual(await list(), ['first, edited']);
  assert.equal((await alice.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: pr.number })).data.comments, 1);

  // The issue_comment payload's issue carries the count of that moment.
  a.comment('acme/widgets', pr.number, 'alice', 'third');
  await w.lg.webhooks.idle();
  const last = rx.received.filter((r) => r.event === 'issue_comment').at(-1)!.payload;
  assert.equal((last.issue as { comments: number }).comments, 2);
  assert.equal((last.issue as { pull_request: { url: string } }).pull_request.url, `${w.apiUrl}/repos/acme/widgets/pulls/${pr.number}`);

  // A snapshot restored over the live state replaces every map: lists come from the restored records.
  const snap = w.lg.state.snapshot();
  a.comment('acme/widgets', pr.number, 'alice', 'after the snapshot');
  assert.equal((await list()).length, 3);
  w.lg.state.restore(JSON.parse(JSON.stringify(snap)) as unknown);
  assert.deepEqual(await list(), ['first, edited', 'third']);
  // A record set straight into the map (not through the domain functions) is seen too.
  const id = w.lg.state.nextId('comment');
  w.lg.state.comments.set(id, { ...c1, id, body: 'set directly', created_at: c1.created_at + 1 });
  assert.deepEqual(await list(), ['first, edited', 'third', 'set directly']);
});

test('statuses: lists, combined state and the per-context limit see every status of the commit only', async () => {
  const a = w.lg.admin;
  const alice = w.octo('alice');
  const main = a.repo('acme/widgets').refs.get('refs/heads/main')!;
  a.push('acme/widgets', { branch: 'three', author: 'bob', files: { 'three.txt': '3\n' } });
  const other = a.repo('acme/widgets').refs.get('refs/heads/three')!;
  a.status('acme/widgets', main, 'alice', 'pending', 'ci');
  a.status('acme/widgets', other, 'alice', 'failure', 'ci');
  a.status('acme/widgets', main, 'alice', 'success', 'ci');
  a.status('acme/widgets', main, 'alice', 'success', 'lint');
  const listed = (await alice.repos.listCommitStatusesForRef({ owner: 'acme', repo: 'widgets', ref: main })).data;
  assert.deepEqual(listed.map((s) => `${s.context}:${s.state}`), ['lint:success', 'ci:success', 'ci:pending']);
  const combined = (await alice.repos.getCombinedStatusForRef({ owner: 'acme', repo: 'widgets', ref: main })).data;
  assert.equal(combined.state, 'success');
  assert.equal(combined.total_count, 2);
  const otherCombined = (await alice.repos.getCombinedStatusForRef({ owner: 'acme', repo: 'widgets', ref: 'three' })).data;
  assert.equal(otherCombined.state, 'failure');
  // Statuses of a restored snapshot are the ones listed.
  const snap = JSON.parse(JSON.stringify(w.lg.state.snapshot())) as unknown;
  a.status('acme/widgets', main, 'alice', 'error', 'ci');
  assert.equal((await alice.repos.getCombinedStatusForRef({ owner: 'acme', repo: 'widgets', ref: main })).data.state, 'failure');
  w.lg.state.restore(snap);
  assert.equal((await alice.repos.getCombinedStatusForRef({ owner: 'acme', repo: 'widgets', ref: main })).data.state, 'success');
});

test('webhook bodies reuse the repository JSON only while the repository object is untouched', () => {
  const repo = w.lg.admin.repo('acme/widgets');
  const serialize = w.lg.ctx.serialize;
  const same = (body: Record<string, unknown>) => assert.equal(payloadJson(body), JSON.stringify(body));
  same({ action: 'created', repository: serialize.repo(repo), sender: serialize.user(w.lg.state.accountByLogin('alice')!), skipped: undefined, f: () => 1 });
  same({ repository: serialize.repo(repo, 'admin') });
  same({ repository: serialize.minimalRepo(repo) });
  assert.equal(knownRepoJson(serialize.repo(repo)), JSON.stringify(serialize.repo(repo)));
  assert.equal(knownRepoJson(serialize.repo(repo, 'read')), undefined);
  const changed = serialize.repo(repo);
  changed.name = 'renamed';
  assert.equal(knownRepoJson(changed), undefined);
  same({ repository: changed });
  const added = serialize.repo(repo);
  added.organization = { login: 'acme' };
  same({ repository: added });
  const removed = serialize.repo(repo);
  delete removed.topics;
  same({ repository: removed });
  const reordered = serialize.repo(repo);
  const id = reordered.id;
  delete reordered.id;
  reordered.id = id;
  same({ repository: reordered });
  same({ repository: { ...serialize.repo(repo), stargazers: 0 } });
  same({ nested: { repository: serialize.repo(repo) }, list: [serialize.repo(repo)], n: 1, s: 'x', z: null });
  same({});
});

test('pull request lookups by number and per repository follow new PRs and a reset', async () => {
  const a = w.lg.admin;
  const alice = w.octo('alice');
  a.push('acme/widgets', { branch: 'four', author: 'bob', files: { 'four.txt': '4\n' } });
  const pr = a.openPull('acme/widgets', { author: 'bob', title: 'Four', head: 'four' });
  assert.equal((await alice.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: pr.number })).data.title, 'Four');
  const open = (await alice.pulls.list({ owner: 'acme', repo: 'widgets' })).data.map((p) => p.number);
  assert.ok(open.includes(pr.number));
  assert.equal(w.lg.state.pull(a.repo('acme/widgets').id, pr.number + 1000), undefined);
  const secret = a.repo('acme/secret');
  assert.deepEqual(w.lg.state.pullsOf(secret.id), []);
  w.lg.state.reset();
  assert.equal(w.lg.state.pull(secret.id, pr.number), undefined);
  assert.deepEqual(w.lg.state.pullsOf(pr.repoId), []);
  assert.equal(w.lg.state.commentCount(pr.repoId, pr.number), 0);
});
