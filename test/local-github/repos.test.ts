import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RequestError } from '@octokit/request-error';
import { startWorld, seedBasic, type World } from './helpers.js';

let w: World;
before(async () => {
  w = await startWorld();
  await seedBasic(w);
});
after(() => w.close());

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof RequestError) return err.status;
    throw err;
  }
}

test('get repository: full shape, owner, default branch, permissions for the caller', async () => {
  const { data } = await w.octo('alice').repos.get({ owner: 'acme', repo: 'widgets' });
  assert.equal(data.full_name, 'acme/widgets');
  assert.equal(data.owner.login, 'acme');
  assert.equal(data.owner.type, 'Organization');
  assert.equal(data.default_branch, 'main');
  assert.equal(data.private, false);
  assert.deepEqual(data.permissions, { admin: true, maintain: true, push: true, triage: true, pull: true });
  assert.equal(typeof data.node_id, 'string');
  assert.match(data.url, /\/api\/v3\/repos\/acme\/widgets$/);
});

test('owner and repo names are case-insensitive', async () => {
  const { data } = await w.octo('bob').repos.get({ owner: 'ACME', repo: 'Widgets' });
  assert.equal(data.name, 'widgets');
});

test('private repositories are 404 to outsiders and anonymous callers, visible to members', async () => {
  assert.equal(await status(w.octo('carol').repos.get({ owner: 'acme', repo: 'secret' })), 404);
  assert.equal(await status(w.octo().repos.get({ owner: 'acme', repo: 'secret' })), 404);
  const { data } = await w.octo('bob').repos.get({ owner: 'acme', repo: 'secret' });
  assert.equal(data.private, true);
  assert.equal(data.visibility, 'private');
});

test('a token without the repo scope cannot see private repositories', async () => {
  const token = w.lg.admin.token('bob', ['read:org']);
  const { Octokit } = await import('@octokit/rest');
  const o = new Octokit({ baseUrl: w.apiUrl, auth: token });
  assert.equal(await status(o.repos.get({ owner: 'acme', repo: 'secret' })), 404);
  const res = await o.repos.get({ owner: 'acme', repo: 'widgets' });
  assert.equal(res.headers['x-oauth-scopes'], 'read:org');
});

test('bad credentials are 401 with GitHub body', async () => {
  const { Octokit } = await import('@octokit/rest');
  const o = new Octokit({ baseUrl: w.apiUrl, auth: 'ghp_doesnotexist' });
  try {
    await o.repos.get({ owner: 'acme', repo: 'widgets' });
    assert.fail('expected 401');
  } catch (err) {
    assert.ok(err instanceof RequestError);
    assert.equal(err.status, 401);
    assert.deepEqual(err.response?.data, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  }
});

test('collaborator permission levels through teams, org roles and direct grants', async () => {
  const o = w.octo('alice');
  w.lg.admin.setCollaborator('acme/widgets', 'carol', 'triage');
  const bob = await o.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo: 'widgets', username: 'bob' });
  assert.equal(bob.data.permission, 'write');
  const alice = await o.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo: 'widgets', username: 'alice' });
  assert.equal(alice.data.permission, 'admin');
  const carol = await o.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo: 'widgets', username: 'carol' });
  assert.equal(carol.data.permission, 'read');
  assert.equal(carol.data.role_name, 'triage');
  assert.equal(await status(o.repos.checkCollaborator({ owner: 'acme', repo: 'widgets', username: 'carol' })), 200);
  w.lg.admin.setCollaborator('acme/widgets', 'carol', null);
  assert.equal(await status(o.repos.checkCollaborator({ owner: 'acme', repo: 'widgets', username: 'carol' })), 404);
});

test('contents API: base64 file by ref, directory listing, 404 for missing paths', async () => {
  const o = w.octo('bob');
  const { data } = await o.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'src/a.txt' });
  assert.ok(!Array.isArray(data) && data.type === 'file');
  assert.equal(data.encoding, 'base64');
  assert.equal(Buffer.from(data.content, 'base64').toString(), 'one\ntwo\n');
  const dir = await o.repos.getContent({ owner: 'acme', repo: 'widgets', path: '' });
  assert.ok(Array.isArray(dir.data));
  assert.deepEqual(dir.data.map((e) => `${e.type}:${e.path}`).sort(), ['dir:src', 'file:README.md']);
  assert.equal(await status(o.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'nope.txt' })), 404);
  const sha = w.lg.admin.push('acme/widgets', { branch: 'feature', files: { 'src/a.txt': 'changed\n' }, author: 'bob' });
  const atSha = await o.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'src/a.txt', ref: sha });
  assert.ok(!Array.isArray(atSha.data) && atSha.data.type === 'file');
  assert.equal(Buffer.from(atSha.data.content, 'base64').toString(), 'changed\n');
  const atMain = await o.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'src/a.txt', ref: 'main' });
  assert.ok(!Array.isArray(atMain.data) && atMain.data.type === 'file');
  assert.equal(Buffer.from(atMain.data.content, 'base64').toString(), 'one\ntwo\n');
});

test('branch protection: read and update required status checks, add and remove contexts', async () => {
  const o = w.octo('alice');
  assert.equal(await status(o.repos.getBranchProtection({ owner: 'acme', repo: 'widgets', branch: 'main' })), 404);
  await o.repos.updateBranchProtection({
    owner: 'acme', repo: 'widgets', branch: 'main', required_status_checks: { strict: false, contexts: ['ci'] },
    enforce_admins: false, required_pull_request_reviews: null, restrictions: null,
  });
  const rsc = await o.repos.getStatusChecksProtection({ owner: 'acme', repo: 'widgets', branch: 'main' });
  assert.deepEqual(rsc.data.contexts, ['ci']);
  await o.repos.addStatusCheckContexts({ owner: 'acme', repo: 'widgets', branch: 'main', contexts: ['approvals/lgtm'] });
  const all = await o.repos.getAllStatusCheckContexts({ owner: 'acme', repo: 'widgets', branch: 'main' });
  assert.deepEqual(all.data, ['ci', 'approvals/lgtm']);
  await o.repos.removeStatusCheckContexts({ owner: 'acme', repo: 'widgets', branch: 'main', contexts: ['ci'] });
  const upd = await o.repos.updateStatusCheckProtection({ owner: 'acme', repo: 'widgets', branch: 'main', strict: true });
  assert.equal(upd.data.strict, true);
  assert.deepEqual(upd.data.contexts, ['approvals/lgtm']);
  // Non-admins are refused.
  assert.equal(await status(w.octo('bob').repos.getBranchProtection({ owner: 'acme', repo: 'widgets', branch: 'main' })), 403);
});

test('git data: refs, commits with parents and authors, trees, annotated tags, compare', async () => {
  const o = w.octo('alice');
  const a = w.lg.admin;
  const base = a.repo('acme/widgets').refs.get('refs/heads/main')!;
  const c1 = a.push('acme/widgets', { branch: 'topic', files: { 'b.txt': 'b\n' }, author: 'alice', from: 'main', message: 'add b' });
  w.clock.advance(60_000);
  const c2 = a.push('acme/widgets', { branch: 'topic', files: { 'b.txt': 'bb\n', 'README.md': null }, author: 'alice', message: 'edit b' });
  const ref = await o.git.getRef({ owner: 'acme', repo: 'widgets', ref: 'heads/topic' });
  assert.equal(ref.data.object.sha, c2);
  const commit = await o.git.getCommit({ owner: 'acme', repo: 'widgets', commit_sha: c2 });
  assert.deepEqual(commit.data.parents.map((p) => p.sha), [c1]);
  assert.equal(commit.data.author.name, 'Alice A');
  assert.equal(commit.data.author.date, '2024-03-01T12:01:00Z');
  const rc = await o.repos.getCommit({ owner: 'acme', repo: 'widgets', ref: c2 });
  assert.equal(rc.data.author?.login, 'alice');
  assert.deepEqual(rc.data.files?.map((f) => [f.filename, f.status, f.additions, f.deletions]), [['README.md', 'removed', 0, 1], ['b.txt', 'modified', 1, 1]]);
  const tree = await o.git.getTree({ owner: 'acme', repo: 'widgets', tree_sha: c2, recursive: '1' });
  assert.deepEqual(tree.data.tree.filter((e) => e.type === 'blob').map((e) => e.path).sort(), ['b.txt', 'src/a.txt']);
  const cmp = await o.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'widgets', basehead: `main...topic` });
  assert.equal(cmp.data.ahead_by, 2);
  assert.equal(cmp.data.behind_by, 0);
  assert.equal(cmp.data.status, 'ahead');
  assert.equal(cmp.data.merge_base_commit.sha, base);
  // Annotated tag + ref, resolvable as a ref for contents.
  const tag = await o.git.createTag({ owner: 'acme', repo: 'widgets', tag: 'v1.0.0', message: 'release', object: c1, type: 'commit' });
  await o.git.createRef({ owner: 'acme', repo: 'widgets', ref: 'refs/tags/v1.0.0', sha: tag.data.sha });
  const got = await o.git.getTag({ owner: 'acme', repo: 'widgets', tag_sha: tag.data.sha });
  assert.equal(got.data.object.sha, c1);
  const content = await o.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'b.txt', ref: 'v1.0.0' });
  assert.ok(!Array.isArray(content.data) && content.data.type === 'file');
  assert.equal(Buffer.from(content.data.content, 'base64').toString(), 'b\n');
  // A non-fast-forward ref update is refused unless forced.
  assert.equal(await status(o.git.updateRef({ owner: 'acme', repo: 'widgets', ref: 'heads/topic', sha: base })), 422);
  await o.git.updateRef({ owner: 'acme', repo: 'widgets', ref: 'heads/topic', sha: base, force: true });
});

test('paginate follows Link headers written with /repositories/{id} URLs', async () => {
  for (let i = 0; i < 7; i++) w.lg.admin.push('acme/widgets', { branch: 'many', files: { [`f${i}.txt`]: `${i}\n` }, author: 'bob', from: 'main' });
  const o = w.octo('bob');
  const first = await o.repos.listCommits({ owner: 'acme', repo: 'widgets', sha: 'many', per_page: 3 });
  const id = w.lg.admin.repo('acme/widgets').id;
  assert.match(first.headers.link ?? '', new RegExp(`^<http://127\\.0\\.0\\.1:\\d+/api/v3/repositories/${id}/commits\\?sha=many&per_page=3&page=2>; rel="next", <[^>]+page=3>; rel="last"$`));
  const all = await o.paginate(o.repos.listCommits, { owner: 'acme', repo: 'widgets', sha: 'many', per_page: 3 });
  assert.equal(all.length, 8);
  assert.equal(new Set(all.map((c) => c.sha)).size, 8);
});

test('ETag and 304: a conditional request answers 304 and does not count against the rate limit', async () => {
  const o = w.octo('carol');
  const first = await o.repos.get({ owner: 'acme', repo: 'widgets' });
  const etag = first.headers.etag!;
  assert.match(etag, /^W\/"[0-9a-f]+"$/);
  const remaining = Number(first.headers['x-ratelimit-remaining']);
  try {
    await o.repos.get({ owner: 'acme', repo: 'widgets', headers: { 'if-none-match': etag } });
    assert.fail('expected 304');
  } catch (err) {
    assert.ok(err instanceof RequestError);
    assert.equal(err.status, 304);
    assert.equal(Number(err.response?.headers['x-ratelimit-remaining']), remaining);
  }
  const again = await o.repos.get({ owner: 'acme', repo: 'widgets' });
  assert.equal(Number(again.headers['x-ratelimit-remaining']), remaining - 1);
});

test('PATCH a repository answers the full repository (organization, counts) like GET, and checks the branch', async () => {
  const o = w.octo('alice');
  const upd = await o.repos.update({ owner: 'acme', repo: 'widgets', description: 'Widgets, patched' });
  assert.equal(upd.data.description, 'Widgets, patched');
  assert.equal(upd.data.organization?.login, 'acme');
  assert.equal(upd.data.network_count, 0);
  assert.equal(upd.data.subscribers_count, 0);
  const got = await o.repos.get({ owner: 'acme', repo: 'widgets' });
  assert.deepEqual(Object.keys(upd.data).sort(), Object.keys(got.data).sort());
  assert.equal(await status(o.repos.update({ owner: 'acme', repo: 'widgets', default_branch: 'no-such-branch' })), 422);
  assert.equal(await status(w.octo('bob').repos.update({ owner: 'acme', repo: 'widgets', description: 'not an admin' })), 403);
});
