/**
 * Retries, rate limits and write lanes of the service's client against real servers: the local GitHub with
 * fault injection, and a node:http server for exact headers and for holding answers to watch concurrency.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Octokit } from '@octokit/rest';
import { pino } from 'pino';
import { createLocalGitHub, type LocalGitHub } from '../../../src/local-github/server.js';
import { createGitHubClient, createGitHubClientClass, type GitHubClientSettings } from '../../../src/service/github/client.js';
import { EtagCache } from '../../../src/service/github/etag-cache.js';
import { countGitHubCalls } from '../../../src/service/github/call-count.js';
import { createHttpFetch } from '../../../src/service/github/http-fetch.js';
import { retryAfterFromError } from '../../../src/service/queue/retry-after.js';

let lg: LocalGitHub;
let apiUrl: string;
let token: string;
const REPO = 'GET /repos/{owner}/{repo}';

/** node:http server: each request is handed to `respond` (it may hold it). */
type Held = { req: IncomingMessage; res: ServerResponse; at: number };
let respond: (h: Held) => void = ({ res }) => reply(res, 200, {});
const arrivals: Held[] = [];
let server: Server;
let serverUrl: string;

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

before(async () => {
  lg = createLocalGitHub();
  apiUrl = (await lg.start(0)).api_url;
  token = lg.admin.createUser('owner').token;
  lg.admin.createOrg('acme', { admins: ['owner'] });
  lg.admin.createRepo('acme/widgets', { files: { 'README.md': 'x\n' } });
  lg.admin.createUser('carol');
  lg.admin.push('acme/widgets', { branch: 'f', author: 'carol', files: { 'a.txt': 'a\n' } });
  lg.admin.openPull('acme/widgets', { author: 'carol', title: 'Change', head: 'f' });
  server = createServer((req, res) => {
    const h = { req, res, at: performance.now() };
    arrivals.push(h);
    req.resume();
    req.on('end', () => respond(h));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await lg.close();
});

function scripted(...answers: ((res: ServerResponse) => void)[]): void {
  arrivals.length = 0;
  respond = ({ res }) => (answers.shift() ?? ((r) => reply(r, 500, { message: 'script exhausted' })))(res);
}

async function rejection(call: Promise<unknown>): Promise<{ status: number; response: { headers: Record<string, string> } }> {
  return (await call.then(() => assert.fail('should reject'), (e: unknown) => e)) as { status: number; response: { headers: Record<string, string> } };
}

const local = (extra: Partial<GitHubClientSettings> = {}): GitHubClientSettings => ({ baseUrl: apiUrl, retryAfterBaseMs: 1, cache: new EtagCache(), ...extra });
const viaServer = (extra: Partial<GitHubClientSettings> = {}): GitHubClientSettings => ({ baseUrl: serverUrl, retryAfterBaseMs: 1, ...extra });

test('5xx: retried `retries` times, every attempt counted; then the last error reaches the caller', async () => {
  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'status', status: 503, times: 3 });
  const gh = createGitHubClient(local(), token);
  const ok = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'acme', repo: 'widgets' }));
  assert.equal(ok.result.status, 200);
  assert.deepEqual(ok.calls.toJSON()[REPO], { requests: 4, notModified: 0, rateLimited: 0, errors: 3 });

  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'status', status: 502, times: 4 });
  const failed = await countGitHubCalls(() => rejection(gh.rest.repos.get({ owner: 'acme', repo: 'widgets' })));
  assert.equal(failed.result.status, 502);
  assert.deepEqual(failed.calls.toJSON()[REPO], { requests: 4, notModified: 0, rateLimited: 0, errors: 4 });

  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'status', status: 500, times: 1 });
  const once = await countGitHubCalls(() => rejection(gh.rest.repos.get({ owner: 'acme', repo: 'widgets', request: { retries: 0 } })));
  assert.equal(once.result.status, 500, 'a call\'s request.retries overrides the setting');
  assert.equal(once.calls.total, 1);

  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'status', status: 500, times: 2 });
  const none = createGitHubClient(local({ retries: 1 }), token);
  assert.equal((await rejection(none.rest.repos.get({ owner: 'acme', repo: 'widgets' }))).status, 500);
});

test('backoff: retry n waits retryAfterBaseMs × n² (lower bounds only)', async () => {
  scripted((r) => reply(r, 502, {}), (r) => reply(r, 502, {}), (r) => reply(r, 200, { full_name: 'o/r' }));
  const gh = createGitHubClient(viaServer({ retryAfterBaseMs: 20 }), 't');
  await gh.rest.repos.get({ owner: 'o', repo: 'r' });
  assert.equal(arrivals.length, 3);
  assert.ok(arrivals[1].at - arrivals[0].at >= 19, `first wait ${arrivals[1].at - arrivals[0].at}`);
  assert.ok(arrivals[2].at - arrivals[1].at >= 79, `second wait ${arrivals[2].at - arrivals[1].at}`);
});

test('no retry for 4xx answers (the rate-limit plugin handles 403/429 limits), nor for a 429 with throttling off', async () => {
  for (const status of [400, 401, 403, 404, 410, 422, 451]) {
    scripted((r) => reply(r, status, { message: 'no' }, { 'x-ratelimit-remaining': '4000' }));
    const gh = createGitHubClient(viaServer(), 't');
    const { result, calls } = await countGitHubCalls(() => rejection(gh.rest.repos.get({ owner: 'o', repo: 'r' })));
    assert.equal(result.status, status);
    assert.equal(arrivals.length, 1, `${status} sent once`);
    assert.deepEqual(calls.toJSON()[REPO], { requests: 1, notModified: 0, rateLimited: 0, errors: 1 });
  }
  scripted((r) => reply(r, 429, { message: 'slow down' }, { 'retry-after': '7' }));
  const off = createGitHubClient(viaServer({ throttling: false }), 't');
  const err = await rejection(off.rest.repos.get({ owner: 'o', repo: 'r' }));
  assert.equal(arrivals.length, 1);
  assert.equal(retryAfterFromError(err, Date.now()), 7000);
});

test('primary limit: a near reset is slept through; a far one reaches the job with the headers the queue reads', async () => {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _e, cb) => void (logs.push(JSON.parse(chunk.toString())), cb()) }));
  const limits: { kind: string; retryAfterSeconds: number; retryCount: number }[] = [];
  const limited = (resetIn: number) => (r: ServerResponse) =>
    reply(r, 403, { message: 'API rate limit exceeded for installation ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetIn) });
  scripted(limited(2), (r) => reply(r, 200, { full_name: 'o/r' }));
  const gh = createGitHubClient(viaServer({ logger, onRateLimited: (i) => limits.push(i) }), 't');
  const { result, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'o', repo: 'r' }));
  assert.equal(result.data.full_name, 'o/r');
  assert.equal(limits.length, 1);
  assert.equal(limits[0].kind, 'primary');
  assert.ok(limits[0].retryAfterSeconds >= 2 && limits[0].retryAfterSeconds <= 4, String(limits[0].retryAfterSeconds));
  assert.deepEqual(calls.toJSON()[REPO], { requests: 2, notModified: 0, rateLimited: 1, errors: 0 });
  assert.deepEqual(
    logs.filter((l) => l.msg === 'GitHub rate limit').map(({ msg, route, kind, retryCount, retrying }) => ({ msg, route, kind, retryCount, retrying })),
    [{ msg: 'GitHub rate limit', route: REPO, kind: 'primary', retryCount: 0, retrying: true }],
  );
  assert.equal(typeof logs.find((l) => l.msg === 'GitHub rate limit')!.retryAfter, 'number');

  scripted(limited(3600));
  const err = await rejection(gh.rest.repos.get({ owner: 'o', repo: 'r' }));
  assert.equal(arrivals.length, 1);
  assert.equal(err.status, 403);
  assert.equal(logs.at(-1)!.retrying, false);
  const wait = retryAfterFromError(err, Date.now());
  assert.ok(wait !== undefined && wait > 3_500_000, `requeued after the reset, got ${wait}`);
});

test('secondary limit from the local GitHub: a short Retry-After is slept through, a long one reaches the job', async () => {
  lg.faults.add({ method: 'POST', path: '/repos/acme/widgets/issues/1/comments', kind: 'secondary_rate_limit', retryAfter: 5, times: 1 });
  const limits: [string, number, string][] = [];
  const gh = createGitHubClient(local({ onRateLimited: (i) => limits.push([i.kind, i.retryAfterSeconds, i.route]) }), token);
  const { result, calls } = await countGitHubCalls(() => gh.rest.issues.createComment({ owner: 'acme', repo: 'widgets', issue_number: 1, body: 'limited once' }));
  assert.equal(result.status, 201);
  const route = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
  assert.deepEqual(limits, [['secondary', 5, route]]);
  assert.deepEqual(calls.toJSON()[route], { requests: 2, notModified: 0, rateLimited: 1, errors: 0 });

  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'secondary_rate_limit', retryAfter: 120, times: 1 });
  const err = await rejection(gh.rest.repos.get({ owner: 'acme', repo: 'widgets' }));
  assert.equal(err.status, 403);
  assert.equal(err.response.headers['retry-after'], '120');
  assert.equal(retryAfterFromError(err, Date.now()), 120_000);
});

test('secondary limit: no Retry-After means a minute; rateLimitRetries caps the in-process retries', async () => {
  const limits: [number, number][] = [];
  const secondary = (headers: Record<string, string>) => (r: ServerResponse) => reply(r, 403, { message: 'You have exceeded a secondary rate limit.' }, headers);
  scripted(secondary({}), (r) => reply(r, 200, {}));
  const gh = createGitHubClient(viaServer({ onRateLimited: (i) => limits.push([i.retryAfterSeconds, i.retryCount]) }), 't');
  await gh.rest.repos.get({ owner: 'o', repo: 'r' });
  assert.deepEqual(limits, [[60, 0]]);

  limits.length = 0;
  scripted(secondary({}));
  const impatient = createGitHubClient(viaServer({ maxInlineWaitSeconds: 30, onRateLimited: (i) => limits.push([i.retryAfterSeconds, i.retryCount]) }), 't');
  assert.equal((await rejection(impatient.rest.repos.get({ owner: 'o', repo: 'r' }))).status, 403);
  assert.equal(arrivals.length, 1, 'a minute is more than 30 s: the job gets it');

  limits.length = 0;
  scripted(secondary({ 'retry-after': '1' }), secondary({ 'retry-after': '1' }), secondary({ 'retry-after': '2' }));
  const err = await rejection(gh.rest.repos.get({ owner: 'o', repo: 'r' }));
  assert.equal(arrivals.length, 3, 'the first try and rateLimitRetries (2) retries');
  assert.deepEqual(limits, [[1, 0], [1, 1], [2, 2]]);
  assert.equal(retryAfterFromError(err, Date.now()), 2000);

  scripted(secondary({ 'retry-after': '1' }), (r) => reply(r, 200, {}));
  const throwing = createGitHubClient(viaServer({ onRateLimited: () => { throw new Error('observer bug'); } }), 't');
  assert.equal((await throwing.rest.repos.get({ owner: 'o', repo: 'r' })).status, 200, 'a failing observer changes nothing');
});

/** Holds POSTs; releases one of each token at a time once every token with writes left has one waiting. */
function pairUp(tokens: string[], perToken: number): { inFlight: Map<string, number>; maxInFlight: Map<string, number>; maxTotal: () => number } {
  const left = new Map(tokens.map((t) => [t, perToken]));
  const waiting: Held[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let maxTotal = 0;
  const tokenOf = (h: Held) => String(h.req.headers.authorization).replace(/^token /, '');
  const release = () => {
    const ready = [...left].filter(([, n]) => n > 0).every(([t]) => waiting.some((h) => tokenOf(h) === t));
    if (!ready) return;
    maxTotal = Math.max(maxTotal, waiting.length);
    for (const h of waiting.splice(0)) {
      const t = tokenOf(h);
      left.set(t, left.get(t)! - 1);
      inFlight.set(t, inFlight.get(t)! - 1);
      reply(h.res, 201, { id: 1 });
    }
  };
  arrivals.length = 0;
  respond = (h) => {
    const t = tokenOf(h);
    inFlight.set(t, (inFlight.get(t) ?? 0) + 1);
    maxInFlight.set(t, Math.max(maxInFlight.get(t) ?? 0, inFlight.get(t)!));
    waiting.push(h);
    release();
  };
  return { inFlight, maxInFlight, maxTotal: () => maxTotal };
}

test('writes: one at a time per installation, two installations in parallel; throttling off sends them all at once', { timeout: 20_000 }, async () => {
  const Client = createGitHubClientClass(viaServer());
  const inst = (id: number, tok: string) => new Client({ auth: tok, checksOut: { cacheScope: `installation:${id}` } });
  const clients = [inst(1, 'one'), inst(1, 'one'), inst(2, 'two')];
  const seen = pairUp(['one', 'two'], 3);
  const post = (gh: (typeof clients)[number], n: number) => gh.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: n, body: 'b' });
  // Two client instances of installation 1 (as @octokit/app makes per job) share its lane.
  await Promise.all([post(clients[0], 1), post(clients[1], 2), post(clients[0], 3), post(clients[2], 1), post(clients[2], 2), post(clients[2], 3)]);
  assert.equal(arrivals.length, 6);
  assert.deepEqual(Object.fromEntries(seen.maxInFlight), { one: 1, two: 1 });
  assert.equal(seen.maxTotal(), 2, 'the installations did not wait for each other');

  // GETs are not serialised.
  let held: Held[] = [];
  arrivals.length = 0;
  respond = (h) => {
    held.push(h);
    if (held.length === 3) for (const x of held.splice(0)) reply(x.res, 200, {});
  };
  await Promise.all([1, 2, 3].map(() => clients[0].rest.repos.get({ owner: 'o', repo: 'r' })));
  assert.equal(arrivals.length, 3);

  const Off = createGitHubClientClass(viaServer({ throttling: false }));
  const off = new Off({ auth: 'one', checksOut: { cacheScope: 'installation:1' } });
  held = [];
  respond = (h) => {
    held.push(h);
    if (held.length === 3) for (const x of held.splice(0)) reply(x.res, 201, {});
  };
  await Promise.all([1, 2, 3].map((n) => post(off, n)));
});

test('writes: a rate-limited write keeps its lane until it went through; a failed one frees it', async () => {
  const Client = createGitHubClientClass(viaServer());
  const gh = new Client({ auth: 't', checksOut: { cacheScope: 'installation:7' } });
  scripted(
    (r) => reply(r, 403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '1' }),
    (r) => reply(r, 201, { n: 1 }),
    (r) => reply(r, 422, { message: 'Validation Failed' }),
    (r) => reply(r, 201, { n: 3 }),
  );
  const results = await Promise.allSettled([1, 2, 3].map((n) => gh.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: n, body: 'b' })));
  assert.deepEqual(arrivals.map((h) => h.req.url), ['/repos/o/r/issues/1/comments', '/repos/o/r/issues/1/comments', '/repos/o/r/issues/2/comments', '/repos/o/r/issues/3/comments']);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
});

test('writeIntervalMs spaces the starts of one installation\'s writes (lower bound only)', async () => {
  // Timed where the request leaves the client (the fetch call), not where it lands: transit times vary.
  const sent: number[] = [];
  const timedFetch = (url: string, init?: Record<string, unknown>) => {
    sent.push(performance.now());
    return fetch(url, init as RequestInit);
  };
  const Client = createGitHubClientClass(viaServer({ writeIntervalMs: 30, fetch: timedFetch }));
  const gh = new Client({ auth: 't', checksOut: { cacheScope: 'installation:spaced' } });
  scripted(...[1, 2, 3].map(() => (r: ServerResponse) => reply(r, 201, {})));
  await Promise.all([1, 2, 3].map((n) => gh.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: n, body: 'b' })));
  assert.equal(arrivals.length, 3);
  assert.equal(sent.length, 3);
  for (let i = 1; i < 3; i++) assert.ok(sent[i] - sent[i - 1] >= 29, `gap ${sent[i] - sent[i - 1]} ms`);
});

test('ETag revalidation and counting are unchanged with the plugins: 304s count as notModified, retries as requests', async () => {
  const s = local();
  const gh = createGitHubClient(s, token);
  await gh.rest.repos.get({ owner: 'acme', repo: 'widgets' });
  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'status', status: 500, times: 1 });
  lg.faults.add({ method: 'GET', path: '/repos/acme/widgets', kind: 'secondary_rate_limit', retryAfter: 1, times: 1 });
  const { result, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'acme', repo: 'widgets' }));
  assert.equal(result.status, 200);
  assert.deepEqual(calls.toJSON()[REPO], { requests: 3, notModified: 1, rateLimited: 1, errors: 1 });
  assert.equal(s.cache!.hits, 1);
});

test('a request that needs no retry creates no more timers or immediates than bare Octokit on the same fetch', async () => {
  const ctx = new AsyncLocalStorage<string>();
  const counts = new Map<string, number>();
  const hook = createHook({
    init(_id, type) {
      const who = ctx.getStore();
      if (who && (type === 'Timeout' || type === 'Immediate')) counts.set(`${who} ${type}`, (counts.get(`${who} ${type}`) ?? 0) + 1);
    },
  });
  respond = ({ res }) => reply(res, 201, { id: 1 });
  const bare = new Octokit({ baseUrl: serverUrl, auth: 't', request: { fetch: createHttpFetch({}), parseSuccessResponseBody: false } });
  const ours = createGitHubClient(viaServer(), 't');
  const call = (gh: Octokit) => gh.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: 1, body: 'b' }).then(() => gh.rest.repos.get({ owner: 'o', repo: 'r' }));
  await call(bare);
  await call(ours);
  hook.enable();
  try {
    await ctx.run('bare', () => call(bare));
    await ctx.run('ours', () => call(ours));
  } finally {
    hook.disable();
  }
  for (const type of ['Timeout', 'Immediate']) assert.equal(counts.get(`ours ${type}`) ?? 0, counts.get(`bare ${type}`) ?? 0, type);
});
