/**
 * Defects reported by the emulator's authors: bot logins in URLs, legacy node ids, check-run web links, the
 * committed OpenAPI subset, and raw file contents.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { startWorld, seedBasic, T0, type World } from './helpers.js';
import { responseProblems, webhookProblems } from './schemas.js';
import { startReceiver, type Receiver } from './receiver.js';
import { nodeId } from '../../src/local-github/state/store.js';

let w: World;
let rx: Receiver;
let instToken: string;

before(async () => {
  w = await startWorld();
  await seedBasic(w);
  rx = await startReceiver('s3cret');
  w.lg.admin.createApp('checker', { webhook_url: rx.url, webhook_secret: 's3cret', permissions: { checks: 'write', issues: 'write', pull_requests: 'write', contents: 'read', metadata: 'read' }, events: ['issue_comment'] });
  const inst = w.lg.admin.install('checker', 'acme', 'all');
  instToken = w.lg.admin.installationToken(inst.id);
});
after(async () => {
  await w.close();
  await rx.close();
});

const api = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${w.apiUrl}${path}`, { ...init, headers: { authorization: `token ${init.token ?? instToken}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });

test('legacy node ids write a literal 0 before the type length, as GitHub does', () => {
  assert.equal(nodeId('User', 1), 'MDQ6VXNlcjE=');
  assert.equal(nodeId('CheckSuite', 5), 'MDEwOkNoZWNrU3VpdGU1');
  assert.equal(Buffer.from(nodeId('PullRequestReview', 80), 'base64').toString(), '017:PullRequestReview80');
});

test('bot accounts are percent-encoded in URLs, so REST and webhook schemas (format uri) accept them', async () => {
  w.lg.admin.push('acme/widgets', { branch: 'feature', files: { 'b.txt': 'b\n' }, author: 'bob' });
  const pr = w.lg.admin.openPull('acme/widgets', { author: 'bob', title: 'feature', head: 'feature' });
  const res = await api(`/repos/acme/widgets/issues/${pr.number}/comments`, { method: 'POST', body: JSON.stringify({ body: 'hi' }) });
  assert.equal(res.status, 201);
  const comment = (await res.json()) as { user: { login: string; url: string; html_url: string } };
  assert.equal(comment.user.login, 'checker[bot]');
  assert.match(comment.user.url, /\/users\/checker%5Bbot%5D$/);
  assert.deepEqual(responseProblems('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 201, comment), []);
  await w.lg.webhooks.idle();
  const hook = rx.received.find((d) => d.event === 'issue_comment');
  assert.ok(hook, 'issue_comment delivered');
  assert.deepEqual(webhookProblems('issue_comment', 'created', hook.payload), []);
  // The encoded URL resolves back to the bot account.
  const self = await api('/users/checker%5Bbot%5D');
  assert.notEqual(self.status, 500);
});

test('check run html_url and annotation blob_href are served web pages', async () => {
  const sha = w.lg.ctx.git.resolve(w.lg.admin.repo('acme/widgets'), 'main')!;
  const res = await api('/repos/acme/widgets/check-runs', {
    method: 'POST',
    body: JSON.stringify({
      name: 'lint <x>', head_sha: sha, status: 'completed', conclusion: 'failure',
      output: { title: 'Found 1', summary: 'one problem', annotations: [{ path: 'src/a.txt', start_line: 2, end_line: 2, annotation_level: 'failure', message: 'bad line' }] },
    }),
  });
  assert.equal(res.status, 201);
  const run = (await res.json()) as { id: number; html_url: string };
  const page = await fetch(run.html_url);
  assert.equal(page.status, 200);
  const text = await page.text();
  assert.match(text, /lint &#60;x&#62;/);
  assert.match(text, /bad line/);
  const anns = (await (await api(`/repos/acme/widgets/check-runs/${run.id}/annotations`)).json()) as { blob_href: string }[];
  const blob = await fetch(anns[0].blob_href);
  assert.equal(blob.status, 200);
  assert.match(await blob.text(), /id="L2".*two/s);
  // Unknown runs, other repositories' runs, unknown files and hostile paths are 404 pages.
  assert.equal((await fetch(`${w.webUrl}/acme/widgets/runs/999999`)).status, 404);
  assert.equal((await fetch(`${w.webUrl}/acme/secret/runs/${run.id}`)).status, 404);
  assert.equal((await fetch(`${w.webUrl}/acme/widgets/runs/abc`)).status, 404);
  assert.equal((await fetch(`${w.webUrl}/acme/widgets/blob/${sha}/nope.txt`)).status, 404);
  assert.equal((await fetch(`${w.webUrl}/acme/widgets/blob/${sha}/src/%2E%2E/%2E%2E/x`)).status, 404);
  assert.equal((await fetch(`${w.webUrl}/acme/widgets/blob/nosuchref/README.md`)).status, 404);
  assert.equal((await fetch(`${w.webUrl}/acme/widgets/blob/${sha}/src`)).status, 404);
});

test('the OpenAPI subset compiles without rewriting: no typeless nullable, installation account is anyOf', () => {
  const spec = JSON.parse(readFileSync(new URL('../fixtures/openapi/github-subset.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const bad: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.nullable === true && o.type === undefined) bad.push(`${at} nullable without type`);
    if (Array.isArray(o.allOf) && JSON.stringify(o.allOf).includes('"Enterprise"')) bad.push(`${at} allOf with enterprise`);
    for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
  };
  walk(spec, '');
  assert.deepEqual(bad, []);
  // Every response schema compiles with a plain Ajv (as both validators set it up).
  const ajv = new Ajv({ strict: false, validateSchema: false, logger: false });
  ajv.addSchema(spec, 's.json');
  const enc = (p: string) => p.replace(/~/g, '~0').replace(/\//g, '~1');
  const paths = spec.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [m, op] of Object.entries(item)) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (r.content?.['application/json']) ajv.compile({ $ref: `s.json#/paths/${enc(path)}/${m}/responses/${status}/content/application~1json/schema` });
      }
    }
  }
});

test('GET /app/installations: an account validates against the subset as is', async () => {
  const jwt = w.lg.admin.appJwt('checker');
  const res = await fetch(`${w.apiUrl}/app/installations`, { headers: { authorization: `Bearer ${jwt}` } });
  assert.equal(res.status, 200);
  assert.deepEqual(responseProblems('GET', '/app/installations', 200, await res.json()), []);
});

test('contents API honours Accept: application/vnd.github.raw', async () => {
  const user = w.lg.admin.tokensOf('alice')[0];
  for (const accept of ['application/vnd.github.raw', 'application/vnd.github.v3.raw', 'application/vnd.github.raw+json']) {
    const res = await api('/repos/acme/widgets/contents/src/a.txt', { token: user, headers: { accept } });
    assert.equal(res.status, 200, accept);
    assert.match(res.headers.get('content-type') ?? '', /^application\/vnd\.github\.raw/);
    assert.equal(await res.text(), 'one\ntwo\n');
  }
  // The default (JSON) form is unchanged, and directories stay JSON listings even when raw is asked.
  const json = (await (await api('/repos/acme/widgets/contents/src/a.txt', { token: user })).json()) as { encoding: string };
  assert.equal(json.encoding, 'base64');
  const dir = await api('/repos/acme/widgets/contents/src', { token: user, headers: { accept: 'application/vnd.github.raw' } });
  assert.ok(Array.isArray(await dir.json()));
  assert.equal((await api('/repos/acme/widgets/contents/missing.txt', { token: user, headers: { accept: 'application/vnd.github.raw' } })).status, 404);
});

test('Date follows the emulator clock, so @octokit/auth-app corrects its skew against a frozen clock', async () => {
  const res = await fetch(`${w.apiUrl}/rate_limit`);
  assert.equal(res.headers.get('date'), new Date(w.clock.now()).toUTCString());
  assert.ok(Math.abs(w.clock.now() - T0) < 3_600_000, 'the test clock is frozen years before real time');
  const rec = w.lg.admin.app('checker');
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const app = new App({ appId: rec.id, privateKey: rec.private_key, Octokit: Octokit.defaults({ baseUrl: w.apiUrl, log: quiet }), log: quiet });
  // The first JWT is stamped with real time (in the emulator's future): 401, then a retry with the skew from Date.
  const { data } = await app.octokit.request('GET /app');
  assert.equal((data as { slug: string }).slug, 'checker');
  w.clock.advance(90_000);
  const later = await fetch(`${w.apiUrl}/rate_limit`);
  assert.equal(later.headers.get('date'), new Date(w.clock.now()).toUTCString());
});
