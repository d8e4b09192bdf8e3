import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { failure, quiet, seedBasic, startWorld, type World } from './helpers.js';
import { createLocalGitHub } from '../../src/local-github/server.js';

let w: World;
let dir: string;

before(async () => {
  w = await startWorld();
  await seedBasic(w);
  dir = mkdtempSync(join(tmpdir(), 'lg-control-'));
});
after(async () => {
  await w.close();
  rmSync(dir, { recursive: true, force: true });
});

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; data: unknown }> {
  const res = await fetch(`${w.webUrl}/_emulator${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : null };
}

test('control API builds a world that the REST API serves', async () => {
  const u = await control('POST', '/users', { login: 'dora', email: 'dora@example.com' });
  assert.equal(u.status, 201);
  const token = (u.data as { token: string }).token;
  assert.match(token, /^ghp_/);
  assert.equal((await control('POST', '/repos', { full_name: 'dora/tool', files: { 'a.txt': 'a\n' } })).status, 201);
  const push = await control('POST', '/repos/dora/tool/push', { branch: 'f', files: { 'b.txt': 'b\n' }, author: 'dora', from: 'main' });
  assert.equal(push.status, 201);
  const pr = await control('POST', '/repos/dora/tool/pulls', { author: 'dora', title: 'F', head: 'f' });
  assert.equal((pr.data as { number: number }).number, 1);
  assert.equal((await control('POST', '/repos/dora/tool/pulls/1/comments', { author: 'dora', body: 'hi' })).status, 201);
  const octo = new Octokit({ baseUrl: w.apiUrl, auth: token, log: quiet });
  const got = await octo.pulls.get({ owner: 'dora', repo: 'tool', pull_number: 1 });
  assert.equal(got.data.head.sha, (push.data as { sha: string }).sha);
  // Bad input is a 422 with a message, never a crash.
  const bad = await control('POST', '/users', { login: '../x' });
  assert.equal(bad.status, 422);
  assert.match((bad.data as { message: string }).message, /invalid login/);
  assert.equal((await control('POST', '/repos/dora/tool/push', { files: { 'x': 1 }, author: 'dora' })).status, 422);
  assert.equal((await control('POST', '/repos', { full_name: 'nobody/x' })).status, 422);
  assert.equal((await control('POST', '/users', '["array"]')).status, 422);
});

test('fault injection: 5xx retried by plugin-retry, secondary rate limit with Retry-After, 401, latency', async () => {
  const alice = w.octo('alice');
  const r = await control('POST', '/faults', { path: '/repos/acme/widgets', kind: 'status', status: 502, times: 1 });
  assert.equal(r.status, 201);
  const Retrying = Octokit.plugin(retry);
  const octo = new Retrying({ baseUrl: w.apiUrl, auth: w.lg.admin.tokensOf('alice')[0], log: quiet, request: { retries: 2, retryAfter: 0 } });
  const res = await octo.repos.get({ owner: 'acme', repo: 'widgets' });
  assert.equal(res.status, 200);
  assert.deepEqual(w.lg.faults.list(), []);

  await control('POST', '/faults', { method: 'GET', path: '/repos/*/widgets/**', kind: 'secondary_rate_limit', retry_after: 7, times: 1 });
  let secondary = 0;
  let seenAfter = -1;
  const Throttled = Octokit.plugin(throttling);
  const t = new Throttled({
    baseUrl: w.apiUrl, auth: w.lg.admin.tokensOf('alice')[0], log: quiet,
    throttle: { retryAfterBaseValue: 1, onRateLimit: () => false, onSecondaryRateLimit: (after: number) => { secondary++; seenAfter = after; return true; } },
  });
  const pulls = await t.pulls.list({ owner: 'acme', repo: 'widgets' });
  assert.equal(pulls.status, 200);
  assert.equal(secondary, 1);
  assert.equal(seenAfter, 7);

  await control('POST', '/faults', { path: '/user', kind: 'unauthorized', times: 1 });
  assert.equal((await failure(alice.users.getAuthenticated())).status, 401);
  assert.equal((await alice.users.getAuthenticated()).data.login, 'alice');

  await control('POST', '/faults', { path: '/orgs/acme', kind: 'latency', ms: 20, times: 1 });
  assert.equal((await alice.orgs.get({ org: 'acme' })).status, 200);

  // A timeout holds the connection and drops it: the client sees a network error.
  await control('POST', '/faults', { path: '/rate_limit', kind: 'timeout', ms: 50, times: 1 });
  await assert.rejects(alice.rateLimit.get());
  assert.equal((await alice.rateLimit.get()).status, 200);
  assert.equal((await control('POST', '/faults', { path: 'no-slash', kind: 'status' })).status, 422);
  assert.equal((await control('POST', '/faults', { path: '/x', kind: 'explode' })).status, 422);
});

test('primary rate limit: 403 with x-ratelimit-remaining 0 once exhausted', async () => {
  const small = await startWorld({ rateLimit: { authenticated: 3 } });
  try {
    small.lg.admin.createUser('zed');
    const o = small.octo('zed');
    for (let i = 0; i < 3; i++) await o.users.getAuthenticated();
    const err = await failure(o.users.getAuthenticated());
    assert.equal(err.status, 403);
    assert.equal(err.response?.headers['x-ratelimit-remaining'], '0');
    assert.match((err.response?.data as { message: string }).message, /^API rate limit exceeded/);
    small.clock.advance(3600_000);
    assert.equal((await o.users.getAuthenticated()).status, 200);
  } finally {
    await small.close();
  }
});

test('clock control moves time for the API', async () => {
  const before = (await control('GET', '/clock')).data as { now: string };
  const after = (await control('POST', '/clock/advance', { days: 2 })).data as { now: string };
  assert.equal(Date.parse(after.now) - Date.parse(before.now), 2 * 86_400_000);
  assert.equal((await control('POST', '/clock/advance', { days: -1 })).status, 422);
});

test('state save and load round-trip (users, repos, git objects, PRs, tokens)', async () => {
  const file = join(dir, 'state.json');
  assert.equal((await control('POST', '/state/save', { file })).status, 200);
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { version: number };
  assert.equal(snapshot.version, 1);
  const other = createLocalGitHub({ clock: w.clock });
  const where = await other.start(0);
  try {
    await other.load(file);
    const octo = new Octokit({ baseUrl: where.api_url, auth: w.lg.admin.tokensOf('alice')[0], log: quiet });
    const pr = await octo.pulls.get({ owner: 'dora', repo: 'tool', pull_number: 1 });
    assert.equal(pr.data.title, 'F');
    const content = await octo.repos.getContent({ owner: 'dora', repo: 'tool', path: 'b.txt', ref: 'f' });
    assert.ok(!Array.isArray(content.data) && content.data.type === 'file');
    assert.equal(Buffer.from(content.data.content, 'base64').toString(), 'b\n');
    // New ids continue after the saved ones.
    const u = other.admin.createUser('newbie');
    assert.ok(u.user.id > w.lg.state.accountByLogin('dora')!.id);
  } finally {
    await other.close();
  }
  assert.equal((await control('POST', '/state/load', { file: join(dir, 'missing.json') })).status, 422);
  assert.equal((await control('POST', '/state/save', { file: join(dir, 'not-json.sh') })).status, 422);
});

test('a corrupt state file is refused without damaging the running state', async () => {
  const { writeFileSync } = await import('node:fs');
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ version: 1, core: { accounts: { $map: [] } } }));
  const res = await control('POST', '/state/load', { file });
  assert.equal(res.status, 422);
  assert.equal((await w.octo('alice').users.getAuthenticated()).data.login, 'alice');
  writeFileSync(file, JSON.stringify({ version: 1, core: { __proto__: { polluted: true } } }));
  assert.equal((await control('POST', '/state/load', { file })).status, 422);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
