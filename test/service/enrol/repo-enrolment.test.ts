/** Enabling a repository quietly (spec §15.1/§15.2) against the local GitHub (real HTTP) and a real SQLite file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { createLocalGitHub } from '../../../src/local-github/server.js';
import { openDatabase } from '../../../src/service/db/connect.js';
import { migrateToLatest } from '../../../src/service/db/migrations.js';
import { createGitHubClientClass } from '../../../src/service/github/client.js';
import { createSecretBox, generateSecretKey } from '../../../src/service/secrets.js';
import { AccountStore } from '../../../src/service/store/accounts.js';
import { enrolPort } from '../../../src/service/enrol/enrol-port.js';
import { enableRepoQuietly, forgetRepo, sameHost, type EnrolGitHub } from '../../../src/service/enrol/repo-enrolment.js';

const HOOK = 'https://checks-out.example:8443/hook';
const CONTEXT = 'approvals/checks-out';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function world(t: { after: (fn: () => Promise<void>) => void }) {
  const lg = createLocalGitHub();
  const { api_url } = await lg.start(0);
  const { token } = lg.admin.createUser('owner');
  const { token: memberToken } = lg.admin.createUser('member');
  lg.admin.createOrg('acme', { admins: ['owner'], members: ['member'] });
  const dir = mkdtempSync(join(tmpdir(), 'enrol-'));
  const sdb = openDatabase('sqlite', join(dir, 'db.sqlite'));
  await migrateToLatest(sdb);
  const accounts = new AccountStore(sdb, createSecretBox(generateSecretKey()));
  const userId = await accounts.upsertUser({ login: 'owner', token, secret: 's' });
  const Client = createGitHubClientClass({ baseUrl: api_url, retries: 0, throttling: false });
  const port = (tok: string): EnrolGitHub => enrolPort(new Client({ auth: tok }) as unknown as Octokit);
  const owner = new Octokit({ baseUrl: api_url, auth: token, log: quiet });
  t.after(async () => {
    await lg.close();
    await sdb.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let n = 0;
  const opts = { accounts, hookUrl: HOOK, context: CONTEXT, newSecret: () => `secret-${++n}` };
  return { lg, accounts, userId, gh: port(token), memberGh: port(memberToken), owner, opts };
}

test('sameHost: scheme, host and port decide; junk never matches', () => {
  assert.equal(sameHost('https://checks-out.example:8443/hook?access_token=x', HOOK), true);
  assert.equal(sameHost('https://CHECKS-OUT.example:8443/other', HOOK), true);
  assert.equal(sameHost('https://checks-out.example/hook', HOOK), false);
  assert.equal(sameHost('http://checks-out.example:8443/hook', HOOK), false);
  assert.equal(sameHost('https://ci.example/hook', HOOK), false);
  for (const junk of ['', 'not a url', '//checks-out.example:8443']) assert.equal(sameHost(junk, HOOK), false, junk);
});

test('an unprotected default branch gets protection with only our context; our old hook is replaced, others kept', async (t) => {
  const w = await world(t);
  w.lg.admin.createRepo('acme/a', { files: { 'README.md': 'x\n' } });
  await w.owner.rest.repos.createWebhook({ owner: 'acme', repo: 'a', config: { url: 'https://checks-out.example:8443/hook?access_token=old', content_type: 'json' }, events: ['push'] });
  await w.owner.rest.repos.createWebhook({ owner: 'acme', repo: 'a', config: { url: 'https://ci.example/hook', content_type: 'json' }, events: ['push'] });

  const r = await enableRepoQuietly(w.gh, 'acme', 'a', w.userId, w.opts);
  assert.deepEqual(r, { outcome: 'enabled', repo: 'acme/a', hooksReplaced: 1, protection: 'created' });
  const hooks = (await w.owner.rest.repos.listWebhooks({ owner: 'acme', repo: 'a' })).data.map((h) => h.config.url).sort();
  assert.deepEqual(hooks, ['https://checks-out.example:8443/hook', 'https://ci.example/hook']);
  const p = (await w.owner.rest.repos.getBranchProtection({ owner: 'acme', repo: 'a', branch: 'main' })).data;
  assert.deepEqual({ strict: p.required_status_checks?.strict, contexts: p.required_status_checks?.contexts }, { strict: true, contexts: [CONTEXT] });
  const row = await w.accounts.findRepo('acme/a');
  assert.deepEqual({ userId: row?.userId, secret: row?.hookSecret }, { userId: w.userId, secret: 'secret-1' });

  // Quiet mode: an enabled repository is skipped, nothing on GitHub changes.
  assert.deepEqual(await enableRepoQuietly(w.gh, 'acme', 'a', w.userId, w.opts), { outcome: 'already-enabled', repo: 'acme/a' });
  assert.equal((await w.owner.rest.repos.listWebhooks({ owner: 'acme', repo: 'a' })).data.length, 2);
});

test('existing protection keeps every other setting: checks turned on, or our context added to the others', async (t) => {
  const w = await world(t);
  w.lg.admin.createRepo('acme/b', { files: { 'README.md': 'x\n' } });
  w.lg.admin.createRepo('acme/c', { files: { 'README.md': 'x\n' } });
  w.lg.admin.createRepo('acme/d', { files: { 'README.md': 'x\n' } });
  const protect = (repo: string, rsc: { strict: boolean; contexts: string[] } | null) =>
    w.owner.rest.repos.updateBranchProtection({ owner: 'acme', repo, branch: 'main', required_status_checks: rsc, enforce_admins: true, required_pull_request_reviews: { required_approving_review_count: 2 }, restrictions: null });
  await protect('b', null);
  await protect('c', { strict: false, contexts: ['ci/build'] });
  await protect('d', { strict: false, contexts: [CONTEXT] });

  assert.equal((await enableRepoQuietly(w.gh, 'acme', 'b', w.userId, w.opts)).outcome, 'enabled');
  const read = async (repo: string) => (await w.owner.rest.repos.getBranchProtection({ owner: 'acme', repo, branch: 'main' })).data;
  const b = await read('b');
  assert.deepEqual(b.required_status_checks?.contexts, [CONTEXT]);
  assert.equal(b.enforce_admins?.enabled, true);
  assert.equal(b.required_pull_request_reviews?.required_approving_review_count, 2);

  const c = await enableRepoQuietly(w.gh, 'acme', 'c', w.userId, w.opts);
  assert.equal(c.outcome === 'enabled' && c.protection, 'context-added');
  const cp = await read('c');
  assert.deepEqual(cp.required_status_checks?.contexts, ['ci/build', CONTEXT]);
  assert.equal(cp.required_status_checks?.strict, false, 'strictness is the owner\'s choice once checks are on');
  assert.equal(cp.required_pull_request_reviews?.required_approving_review_count, 2);

  const d = await enableRepoQuietly(w.gh, 'acme', 'd', w.userId, w.opts);
  assert.equal(d.outcome === 'enabled' && d.protection, 'already-required');
  assert.deepEqual((await read('d')).required_status_checks?.contexts, [CONTEXT]);
});

test('an empty repository has no branch to protect; a missing one is not enabled', async (t) => {
  const w = await world(t);
  await w.owner.rest.repos.createInOrg({ org: 'acme', name: 'empty' });
  const r = await enableRepoQuietly(w.gh, 'acme', 'empty', w.userId, w.opts);
  assert.deepEqual(r, { outcome: 'enabled', repo: 'acme/empty', hooksReplaced: 0, protection: 'no-branch' });
  assert.deepEqual(await enableRepoQuietly(w.gh, 'acme', 'nope', w.userId, w.opts), { outcome: 'not-found', repo: 'acme/nope' });
  assert.equal(await w.accounts.findRepo('acme/nope'), undefined);
});

test('a GitHub failure half-way leaves nothing enabled, so the retry starts over', async (t) => {
  const w = await world(t);
  w.lg.admin.createRepo('acme/e', { files: { 'README.md': 'x\n' } });
  // A member can read the repository but cannot administer its hooks.
  await assert.rejects(enableRepoQuietly(w.memberGh, 'acme', 'e', w.userId, w.opts), (err: { status?: number }) => err.status === 404 || err.status === 403);
  assert.equal(await w.accounts.findRepo('acme/e'), undefined);
  // The retry, with a token that can, succeeds.
  assert.equal((await enableRepoQuietly(w.gh, 'acme', 'e', w.userId, w.opts)).outcome, 'enabled');
});

test('forgetRepo: a deleted repository is no longer enabled; an unknown one says so', async (t) => {
  const w = await world(t);
  w.lg.admin.createRepo('acme/f', { files: { 'README.md': 'x\n' } });
  await enableRepoQuietly(w.gh, 'acme', 'f', w.userId, w.opts);
  assert.deepEqual(await forgetRepo(w.accounts, 'ACME', 'F'), { outcome: 'forgotten', repo: 'ACME/F' });
  assert.equal(await w.accounts.findRepo('acme/f'), undefined);
  assert.deepEqual(await forgetRepo(w.accounts, 'acme', 'f'), { outcome: 'not-enabled', repo: 'acme/f' });
});

test('two enrolments of one repository at once: one enables it, the other stands back; the hook holds the stored secret', async (t) => {
  const w = await world(t);
  w.lg.admin.createRepo('acme/g', { files: { 'README.md': 'x\n' } });
  const [a, b] = await Promise.all([enableRepoQuietly(w.gh, 'acme', 'g', w.userId, w.opts), enableRepoQuietly(w.gh, 'acme', 'g', w.userId, w.opts)]);
  assert.deepEqual([a.outcome, b.outcome].sort(), ['already-enabled', 'enabled']);
  const hooks = [...w.lg.state.hooks.values()].filter((h) => h.config.url === HOOK);
  assert.equal(hooks.length, 1);
  assert.equal(hooks[0].config.secret, (await w.accounts.findRepo('acme/g'))?.hookSecret);
});

test('a failure after the hook was made removes that hook and the row, so nothing is left that would refuse deliveries', async (t) => {
  const w = await world(t);
  w.lg.admin.createRepo('acme/h', { files: { 'README.md': 'x\n' } });
  w.lg.faults.add({ method: 'PUT', path: '/repos/acme/h/branches/**', kind: 'status', status: 500, times: 1 });
  await assert.rejects(enableRepoQuietly(w.gh, 'acme', 'h', w.userId, w.opts), (err: { status?: number }) => err.status === 500);
  assert.equal(await w.accounts.findRepo('acme/h'), undefined);
  assert.deepEqual((await w.owner.rest.repos.listWebhooks({ owner: 'acme', repo: 'h' })).data, []);
  // The retry (the fault is spent) enables it.
  assert.equal((await enableRepoQuietly(w.gh, 'acme', 'h', w.userId, w.opts)).outcome, 'enabled');
  assert.equal((await w.owner.rest.repos.listWebhooks({ owner: 'acme', repo: 'h' })).data.length, 1);
});

test('undoing removes only the row an enrolment wrote itself (same secret), never one written since', async (t) => {
  const w = await world(t);
  await w.accounts.upsertRepo({ userId: w.userId, owner: 'acme', name: 'i', hookSecret: 'theirs' });
  assert.equal(await w.accounts.deleteRepoIfSecret('acme/i', 'mine'), false);
  assert.equal((await w.accounts.findRepo('ACME/I'))?.hookSecret, 'theirs');
  assert.equal(await w.accounts.insertRepoIfAbsent({ userId: w.userId, owner: 'ACME', name: 'I', hookSecret: 'mine' }), false, 'already enabled, whatever the case');
  assert.equal(await w.accounts.deleteRepoIfSecret('Acme/i', 'theirs'), true);
  assert.equal(await w.accounts.findRepo('acme/i'), undefined);
  assert.equal(await w.accounts.deleteRepoIfSecret('acme/i', 'theirs'), false);
});
