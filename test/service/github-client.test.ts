import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGitHubClient, type GitHubClientSettings } from '../../src/service/github/client.js';
import { EtagCache } from '../../src/service/github/etag-cache.js';
import { countGitHubCalls } from '../../src/service/github/call-count.js';
import { createServiceMetrics } from '../../src/service/metrics.js';
import { routeTemplate } from '../../src/service/github/route-template.js';
import { retryAfterFromError } from '../../src/service/queue/retry-after.js';

type Responder = (req: IncomingMessage, res: ServerResponse) => void;
const script: Responder[] = [];
const seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
let server: Server;
let baseUrl: string;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-ratelimit-remaining': '4999', 'x-ratelimit-resource': 'core', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
}

before(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const next = script.shift();
    if (next) next(req, res);
    else json(500, { message: 'test script exhausted' })(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function reset(...responders: Responder[]) {
  script.length = 0;
  seen.length = 0;
  script.push(...responders);
}

function settings(extra: Partial<GitHubClientSettings> = {}): GitHubClientSettings {
  return { baseUrl, retryAfterBaseMs: 1, ...extra };
}

test('5xx answers are retried with backoff until a 200; every attempt is counted', async () => {
  reset(json(502, { message: 'bad gateway' }), json(503, { message: 'unavailable' }), json(200, { name: 'r', full_name: 'o/r' }));
  const metrics = createServiceMetrics();
  const gh = createGitHubClient(settings({ metrics }), 'tok');
  const { result, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'o', repo: 'r' }));
  assert.equal(result.status, 200);
  assert.equal(result.data.full_name, 'o/r');
  assert.equal(seen.length, 3);
  assert.ok(seen.every((s) => s.url === '/repos/o/r' && s.headers.authorization === 'token tok'));
  assert.deepEqual(calls.toJSON(), { 'GET /repos/{owner}/{repo}': { requests: 3, notModified: 0, rateLimited: 0, errors: 2 } });
  assert.equal(metrics.githubCalls.get({ route: 'GET /repos/{owner}/{repo}', status: '5xx' }), 2);
  assert.equal(metrics.githubCalls.get({ route: 'GET /repos/{owner}/{repo}', status: '2xx' }), 1);
  assert.equal(metrics.rateLimitRemaining.get({ resource: 'core' }), 4999);
});

test('a 4xx other than rate limits is not retried', async () => {
  reset(json(404, { message: 'Not Found' }));
  const gh = createGitHubClient(settings(), 'tok');
  await assert.rejects(gh.rest.repos.get({ owner: 'o', repo: 'missing' }), (e: { status?: number }) => e.status === 404);
  assert.equal(seen.length, 1);
});

test('a secondary rate limit waits for Retry-After, then succeeds', async () => {
  reset(
    json(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': '3' }),
    json(200, { name: 'r' }),
  );
  const limits: { kind: string; retryAfterSeconds: number; route: string }[] = [];
  const gh = createGitHubClient(settings({ onRateLimited: (i) => limits.push(i) }), 'tok');
  const { result, calls } = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'o', repo: 'r' }));
  assert.equal(result.status, 200);
  assert.equal(seen.length, 2);
  assert.deepEqual(limits.map((l) => [l.kind, l.retryAfterSeconds, l.route]), [['secondary', 3, 'GET /repos/{owner}/{repo}']]);
  assert.equal(calls.routes.get('GET /repos/{owner}/{repo}')?.rateLimited, 1);
});

test('a primary rate limit far in the future is not slept through: the job gets an error with the reset time', async () => {
  const reset_ = Math.floor(Date.now() / 1000) + 3600;
  reset(json(403, { message: 'API rate limit exceeded for installation.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset_) }));
  const limits: string[] = [];
  const gh = createGitHubClient(settings({ onRateLimited: (i) => limits.push(i.kind) }), 'tok');
  const err = await gh.rest.repos.get({ owner: 'o', repo: 'r' }).then(
    () => assert.fail('should reject'),
    (e: unknown) => e,
  );
  assert.equal((err as { status: number }).status, 403);
  assert.deepEqual(limits, ['primary']);
  assert.equal(seen.length, 1);
  const wait = retryAfterFromError(err, Date.now());
  assert.ok(wait !== undefined && wait > 3_500_000 && wait <= 3_601_000, `requeue after the reset, got ${wait}`);
});

test('ETag revalidation: a 304 returns the remembered body and costs no rate limit; identities do not share entries', async () => {
  const body = { name: 'r', full_name: 'o/r', default_branch: 'main' };
  reset(json(200, body, { etag: '"v1"' }), (req, res) => {
    assert.equal(req.headers['if-none-match'], '"v1"');
    res.writeHead(304, { etag: '"v1"', 'x-ratelimit-remaining': '4998' });
    res.end();
  }, json(200, body, { etag: '"v1"' }));
  const cache = new EtagCache();
  const metrics = createServiceMetrics();
  const gh = createGitHubClient(settings({ cache, metrics }), 'tok-a');
  const { result, calls } = await countGitHubCalls(async () => {
    const first = await gh.rest.repos.get({ owner: 'o', repo: 'r' });
    const second = await gh.rest.repos.get({ owner: 'o', repo: 'r' });
    return [first, second];
  });
  assert.deepEqual(result[0].data, body);
  assert.deepEqual(result[1].data, body);
  assert.equal(result[1].status, 200);
  assert.equal(result[1].headers['x-ratelimit-remaining'], '4998');
  assert.deepEqual(calls.toJSON(), { 'GET /repos/{owner}/{repo}': { requests: 2, notModified: 1, rateLimited: 0, errors: 0 } });
  assert.equal(calls.rateLimitCost, 1);
  assert.equal(cache.hits, 1);
  assert.equal(metrics.githubCalls.get({ route: 'GET /repos/{owner}/{repo}', status: '304' }), 1);
  const other = createGitHubClient(settings({ cache }), 'tok-b');
  await other.rest.repos.get({ owner: 'o', repo: 'r' });
  assert.equal(seen[2].headers['if-none-match'], undefined, 'another token never revalidates against this one\'s entry');
});

test('writes are never conditional and never cached', async () => {
  reset(json(201, { id: 1, state: 'success' }, { etag: '"w"' }), json(201, { id: 2, state: 'success' }, { etag: '"w"' }));
  const cache = new EtagCache();
  const gh = createGitHubClient(settings({ cache }), 'tok');
  for (let i = 0; i < 2; i++) await gh.rest.repos.createCommitStatus({ owner: 'o', repo: 'r', sha: 'a'.repeat(40), state: 'success', context: 'approvals/checks-out' });
  assert.equal(cache.size, 0);
  assert.ok(seen.every((s) => s.headers['if-none-match'] === undefined && s.method === 'POST'));
});

test('a request that never gets an answer times out instead of hanging the worker', async () => {
  reset(() => {
    /* never respond */
  });
  const gh = createGitHubClient(settings({ timeoutMs: 50, retries: 0 }), 'tok');
  await assert.rejects(gh.rest.repos.get({ owner: 'o', repo: 'r' }));
  server.closeAllConnections();
});

test('with in-process throttling off, a secondary rate limit reaches the job with its Retry-After', async () => {
  reset(json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '42' }));
  const gh = createGitHubClient(settings({ throttling: false }), 'tok');
  const err = await gh.rest.repos.get({ owner: 'o', repo: 'r' }).then(
    () => assert.fail('should reject'),
    (e: unknown) => e,
  );
  assert.equal(seen.length, 1);
  assert.equal(retryAfterFromError(err, Date.now()), 42_000);
});

test('call counters nest: a job counts what its evaluations count, and the worker records it per job', async () => {
  reset(json(200, { name: 'r' }), json(200, { name: 'r' }), json(200, { name: 'r' }));
  const gh = createGitHubClient(settings(), 'tok');
  const outer = await countGitHubCalls(async () => {
    const inner = await countGitHubCalls(() => gh.rest.repos.get({ owner: 'o', repo: 'r' }));
    assert.equal(inner.calls.total, 1);
    await gh.rest.repos.get({ owner: 'o', repo: 'r' });
  });
  assert.equal(outer.calls.total, 2);

  const { JobQueue } = await import('../../src/service/queue/queue.js');
  const { Worker } = await import('../../src/service/queue/worker.js');
  const { testDatabases } = await import('./helpers/databases.js');
  const { testLogger } = await import('./helpers/logger.js');
  const t = await testDatabases()[0].create();
  try {
    const queue = new JobQueue(t.sdb, { leaseMs: 60_000, maxAttempts: 3 });
    const metrics = createServiceMetrics();
    await queue.enqueue({ id: 'j1', event: 'issue_comment', payload: '{}', prKey: 'o/r#1' });
    const w = new Worker({ queue, metrics, logger: testLogger, id: 'w', concurrency: 1, leaseMs: 60_000, pollMs: 5, handler: async () => void (await gh.rest.repos.get({ owner: 'o', repo: 'r' })) });
    w.start();
    while ((await queue.depth()).done < 1) await new Promise((r) => setTimeout(r, 5));
    await w.stop();
    const text = await metrics.registry.render();
    assert.match(text, /^checksout_github_requests_per_job_sum\{kind="requests"\} 1$/m);
    assert.match(text, /^checksout_github_requests_per_job_count\{kind="rate_limit_cost"\} 1$/m);
  } finally {
    await t.cleanup();
  }
});

test('pagination follow-ups (absolute Link URLs) are counted under the route template, not the URL', async () => {
  reset(
    json(200, [{ id: 1 }], { link: `<${baseUrl}/repos/acme/widgets/issues/7/comments?per_page=1&page=2>; rel="next"` }),
    json(200, [{ id: 2 }]),
  );
  const metrics = createServiceMetrics();
  const gh = createGitHubClient(settings({ metrics }), 'tok');
  const { result, calls } = await countGitHubCalls(() => gh.paginate(gh.rest.issues.listComments, { owner: 'acme', repo: 'widgets', issue_number: 7, per_page: 1 }));
  assert.deepEqual(result.map((c) => c.id), [1, 2]);
  assert.equal(seen[1].url, '/repos/acme/widgets/issues/7/comments?per_page=1&page=2');
  const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
  assert.deepEqual(calls.toJSON(), { [route]: { requests: 2, notModified: 0, rateLimited: 0, errors: 0 } });
  assert.equal(metrics.githubCalls.get({ route, status: '2xx' }), 2);
});

test('route templates: concrete paths, API base prefixes, queries and unknown paths stay bounded', () => {
  assert.equal(routeTemplate('GET', 'http://127.0.0.1:45063/api/v3/repos/acme/widgets/issues/1/comments?per_page=100', 'http://127.0.0.1:45063/api/v3'),
    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments');
  assert.equal(routeTemplate('get', '/repos/o/r'), 'GET /repos/{owner}/{repo}');
  assert.equal(routeTemplate('GET', '/repos/o/r/pulls/comments'), 'GET /repos/{owner}/{repo}/pulls/comments', 'a literal beats a parameter');
  assert.equal(routeTemplate('GET', '/repos/o/r/pulls/12'), 'GET /repos/{owner}/{repo}/pulls/{pull_number}');
  assert.equal(routeTemplate('GET', '/repos/o/r/contents/docs/a/b.md?ref=main'), 'GET /repos/{owner}/{repo}/contents/{path}', 'a trailing parameter holds slashes');
  assert.equal(routeTemplate('PATCH', '/repos/o/r/check-runs/99'), 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}');
  assert.equal(routeTemplate('GET', '/repos/{owner}/{repo}'), 'GET /repos/{owner}/{repo}');
  assert.equal(routeTemplate('GET', '/no/such/route/anywhere/at-all/1'), 'GET (other)');
  assert.equal(routeTemplate('GET', 'http://[bad'), 'GET (other)');
  assert.equal(routeTemplate('GET', '/repos//r'), 'GET (other)', 'an empty segment is no parameter');
});
