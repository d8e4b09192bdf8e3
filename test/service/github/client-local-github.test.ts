/**
 * The service's Octokit end to end over the node:http adapter against the local GitHub (real HTTP):
 * ETag revalidation, retries, rate limits, writes, pagination and App installation clients, each compared
 * where it matters with Octokit's own path (global fetch, Octokit parsing the body).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@octokit/app';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import { createGitHubClient, createGitHubClientClass, type GitHubClientSettings } from '../../../src/service/github/client.js';
import { EtagCache } from '../../../src/service/github/etag-cache.js';
import { countGitHubCalls } from '../../../src/service/github/call-count.js';
import { createServiceMetrics } from '../../../src/service/metrics.js';

let lg: LocalGitHub;
let apiUrl: string;
let token: string;

before(async () => {
  lg = createLocalGitHub();
  apiUrl = (await lg.start(0)).api_url;
  token = lg.admin.createUser('owner').token;
  lg.admin.createUser('carol');
  lg.admin.createOrg('acme', { admins: ['owner'] });
  lg.admin.createRepo('acme/widgets', { files: { 'README.md': 'x\n' } });
  lg.admin.push('acme/widgets', { branch: 'f', author: 'carol', files: { 'a.txt': 'a\n' } });
  lg.admin.openPull('acme/widgets', { author: 'carol', title: 'Change', head: 'f' });
  for (const body of ['one', 'two', 'three']) lg.admin.comment('acme/widgets', 1, 'carol', body);
});
after(() => lg.close());

const REPO = 'GET /repos/{owner}/{repo}';
/** Octokit's own path, as the client was before the adapter: undici fetch, Octokit parses bodies. */
const octokitParsing: Partial<GitHubClientSettings> = { fetch: (url, init) => fetch(url, init as RequestInit) };

/** The status, message and body of the RequestError a call rejects with. */
async function failure(call: Promise<unknown>): Promise<[number, string, unknown]> {
  const e = (await call.then(() => assert.fail('should reject'), (err: unknown) => err)) as { status: number; message: string; response: { data: unknown } };
  return [e.status, e.message, e.response.data];
}

function settings(extra: Partial<GitHubClientSettings> = {}): GitHubClientSettings {
  return { baseUrl: apiUrl, retryAfterBaseMs: 1, cache: new EtagCache(), metrics: createServiceMetrics(), ...extra };
}

const volatile = new Set(['date', 'x-github-request-id', 'x-ratelimit-remaining', 'x-ratelimit-used', 'keep-alive', 'connection', 'transfer-encoding']);
function stable(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !volatile.has(k)).sort(([a], [b]) => (a < b ? -1 : 1)));
}

for (const [name, extra] of [['the adapter', {}], ['Octokit parsing', octokitParsing]] as const) {
  test(`200 then 304 (${name}): the remembered answer with the 304's rate-limit headers, counted as notModified`, async () => {
    const s = settings(extra);
    const gh = createGitHubClient(s, token);
    const { result, calls } = await countGitHubCalls(async () => {
      const first = await gh.rest.repos.get({ owner: 'acme', repo: 'widgets' });
      const between = await gh.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 1 });
      const second = await gh.rest.repos.get({ owner: 'acme', repo: 'widgets' });
      return { first, between, second };
    });
    const { first, between, second } = result;
    assert.equal(first.status, 200);
    assert.equal(first.data.full_name, 'acme/widgets');
    assert.equal(second.status, 200);
    assert.equal(second.url, first.url);
    assert.deepEqual(second.data, first.data);
    assert.notEqual(first.headers['x-ratelimit-remaining'], between.headers['x-ratelimit-remaining']);
    assert.equal(second.headers['x-ratelimit-remaining'], between.headers['x-ratelimit-remaining'], 'fresh from the 304, a 304 costing nothing');
    assert.equal(second.headers.etag, first.headers.etag);
    assert.deepEqual(calls.toJSON()[REPO], { requests: 2, notModified: 1, rateLimited: 0, errors: 0 });
    assert.equal(calls.rateLimitCost, 2);
    assert.equal(s.cache!.hits, 1);
    assert.equal(s.metrics!.githubCalls.get({ route: REPO, status: '304' }), 1);
    assert.equal(s.metrics!.githubCalls.get({ route: REPO, status: '2xx' }), 1);
  });
}

test('the adapter gives Octokit the same data, headers, statuses and errors as Octokit\'s own parsing', async () => {
  const run = async (extra: Partial<GitHubClientSettings>) => {
    const gh = createGitHubClient(settings({ ...extra, retries: 0 }), token);
    const repo = await gh.rest.repos.get({ owner: 'acme', repo: 'widgets' });
    const readme = await gh.rest.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'README.md', mediaType: { format: 'raw' } });
    const diff = await gh.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: 1, mediaType: { format: 'diff' } });
    const missing = await failure(gh.rest.repos.get({ owner: 'acme', repo: 'nothing' }));
    const invalid = await failure(gh.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: 999, body: 'x' }));
    return {
      repo: [repo.status, repo.data, stable(repo.headers)],
      readme: [readme.status, readme.data, stable(readme.headers)],
      diff: [diff.status, diff.data],
      missing,
      invalid,
    };
  };
  const ours = await run({});
  const theirs = await run(octokitParsing);
  assert.deepEqual(ours, theirs);
  assert.equal(typeof ours.readme[1], 'string');
  assert.equal(ours.missing[0], 404);
  assert.equal(ours.invalid[0], 404);
});

test('5xx answers are retried through the adapter, every attempt counted', async () => {
  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'status', status: 502, times: 2 });
  const gh = createGitHubClient(settings(), token);
  const { result, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'acme', repo: 'widgets' }));
  assert.equal(result.status, 200);
  assert.deepEqual(calls.toJSON()[REPO], { requests: 3, notModified: 0, rateLimited: 0, errors: 2 });
});

test('a revalidated GET that fails with a 5xx is retried as a revalidation and answered from the cache', async () => {
  const s = settings();
  const gh = createGitHubClient(s, token);
  const first = await gh.rest.repos.get({ owner: 'acme', repo: 'widgets' });
  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'status', status: 503, times: 1 });
  const { result, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'acme', repo: 'widgets' }));
  assert.equal(result.status, 200);
  assert.deepEqual(result.data, first.data);
  assert.deepEqual(calls.toJSON()[REPO], { requests: 2, notModified: 1, rateLimited: 0, errors: 1 });
  assert.equal(s.cache!.hits, 1);
  assert.equal(s.cache!.size, 1, 'the failed attempt does not forget the entry');
});

test('a dropped connection is retried; when retries run out the job gets a RequestError 500 saying what happened', async () => {
  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'timeout', ms: 1, times: 1 });
  const gh = createGitHubClient(settings(), token);
  const { result, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'acme', repo: 'widgets' }));
  assert.equal(result.status, 200);
  assert.deepEqual(calls.toJSON()[REPO], { requests: 2, notModified: 0, rateLimited: 0, errors: 1 });

  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'timeout', ms: 1, times: 1 });
  const once = createGitHubClient(settings({ retries: 0 }), token);
  await assert.rejects(once.rest.repos.get({ owner: 'acme', repo: 'widgets' }), (e: { name: string; status: number; message: string }) =>
    e.name === 'HttpError' && e.status === 500 && /socket hang up|ECONNRESET/.test(e.message));

  const rule = lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'timeout', ms: 5_000, times: 1 });
  const impatient = createGitHubClient(settings({ retries: 0, timeoutMs: 100 }), token);
  await assert.rejects(impatient.rest.repos.get({ owner: 'acme', repo: 'widgets' }), (e: { status: number; message: string }) =>
    e.status === 500 && /timed out after 100 ms \(GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/acme\/widgets\)/.test(e.message));
  lg.faults.remove(rule.id);
});

test('a secondary rate limit (403) reaches the rate-limit hook, which waits and retries', async () => {
  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'secondary_rate_limit', retryAfter: 2, times: 1 });
  const limits: { kind: string; retryAfterSeconds: number; route: string }[] = [];
  const gh = createGitHubClient(settings({ onRateLimited: (i) => limits.push(i) }), token);
  const { result, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'acme', repo: 'widgets' }));
  assert.equal(result.status, 200);
  assert.deepEqual(limits.map((l) => [l.kind, l.retryAfterSeconds, l.route]), [['secondary', 2, REPO]]);
  assert.deepEqual(calls.toJSON()[REPO], { requests: 2, notModified: 0, rateLimited: 1, errors: 0 });
});

test('a primary rate limit (403, remaining 0) reaches the rate-limit hook and then the job', async () => {
  const small = createLocalGitHub({ rateLimit: { authenticated: 2 } });
  const { api_url } = await small.start(0);
  try {
    const t = small.admin.createUser('u').token;
    small.admin.createRepo('u/r');
    const limits: string[] = [];
    const gh = createGitHubClient({ baseUrl: api_url, retryAfterBaseMs: 1, onRateLimited: (i) => limits.push(i.kind) }, t);
    await gh.rest.repos.get({ owner: 'u', repo: 'r' });
    await gh.rest.repos.get({ owner: 'u', repo: 'r' });
    const { result: err, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'u', repo: 'r' }).then(() => assert.fail('limited'), (e: unknown) => e as { status: number; response: { headers: Record<string, string> } }));
    assert.equal(err.status, 403);
    assert.equal(err.response.headers['x-ratelimit-remaining'], '0');
    assert.deepEqual(limits, ['primary']);
    assert.equal(calls.toJSON()[REPO].rateLimited, 1);
  } finally {
    await small.close();
  }
});

test('a 429 secondary limit reaches the rate-limit hook too (not a blind retry), or the job with throttling off', async () => {
  let n = 0;
  const server = createServer((_req, res) => {
    n++;
    if (n % 2 === 1) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ message: 'You have exceeded a secondary rate limit.' }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"full_name":"o/r"}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const limits: string[] = [];
    const gh = createGitHubClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, retryAfterBaseMs: 1, onRateLimited: (i) => limits.push(i.kind) }, 't');
    const { result, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'o', repo: 'r' }));
    assert.equal(result.data.full_name, 'o/r');
    assert.deepEqual(limits, ['secondary']);
    assert.deepEqual(calls.toJSON()[REPO], { requests: 2, notModified: 0, rateLimited: 1, errors: 0 });

    const off = createGitHubClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, retryAfterBaseMs: 1, throttling: false }, 't');
    const sent = n;
    await assert.rejects(off.rest.repos.get({ owner: 'o', repo: 'r' }), (e: { status: number; response: { headers: Record<string, string> } }) =>
      e.status === 429 && e.response.headers['retry-after'] === '1');
    assert.equal(n, sent + 1, 'left to the queue, which waits Retry-After');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('writes go through the adapter, uncached and unconditional', async () => {
  const s = settings();
  const gh = createGitHubClient(s, token);
  const { result, calls } = await countGitHubCalls(() => gh.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: 1, body: 'from the adapter ✓' }));
  assert.equal(result.status, 201);
  assert.equal(result.data.body, 'from the adapter ✓');
  assert.equal(s.cache!.size, 0);
  assert.deepEqual(calls.toJSON(), { 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': { requests: 1, notModified: 0, rateLimited: 0, errors: 0 } });
  await gh.rest.issues.deleteComment({ owner: 'acme', repo: 'widgets', comment_id: result.data.id });
});

test('pagination: every page revalidated on the second pass, Link headers remembered', async () => {
  const s = settings();
  const gh = createGitHubClient(s, token);
  const list = () => gh.paginate(gh.rest.issues.listComments, { owner: 'acme', repo: 'widgets', issue_number: 1, per_page: 1 });
  const first = await list();
  const { result, calls } = await countGitHubCalls(list);
  assert.deepEqual(result.map((c) => c.body), ['one', 'two', 'three']);
  assert.deepEqual(result, first);
  // Follow-up pages are GitHub's /repositories/{id}/... links, which route templates count as (other).
  assert.deepEqual(calls.toJSON(), {
    'GET (other)': { requests: 2, notModified: 2, rateLimited: 0, errors: 0 },
    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': { requests: 1, notModified: 1, rateLimited: 0, errors: 0 },
  });
});

test('App installation clients built on the class: JWT and token requests, then revalidated reads', async () => {
  const app = lg.admin.createApp('checks-out-adapter');
  const inst = lg.admin.install(app.id, 'acme', ['acme/widgets']);
  const Client = createGitHubClientClass(settings());
  const octoApp = new App({ appId: app.id, privateKey: app.private_key, Octokit: Client });
  const { result, calls } = await countGitHubCalls(async () => {
    const me = await octoApp.octokit.request('GET /app');
    const gh = (await octoApp.getInstallationOctokit(inst.id)) as unknown as InstanceType<typeof Client>;
    const a = await gh.rest.repos.get({ owner: 'acme', repo: 'widgets' });
    const b = await gh.rest.repos.get({ owner: 'acme', repo: 'widgets' });
    return { me, a, b };
  });
  assert.equal((result.me.data as { id: number }).id, app.id);
  assert.equal(result.a.data.full_name, 'acme/widgets');
  assert.deepEqual(result.b.data, result.a.data);
  const counted = calls.toJSON();
  assert.equal(counted['POST /app/installations/{installation_id}/access_tokens']?.requests, 1);
  assert.deepEqual(counted[REPO], { requests: 2, notModified: 1, rateLimited: 0, errors: 0 });
});
