import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { RequestError } from '@octokit/request-error';
import { startWorld, type World } from './harness.js';
import { createApp, installApp, issueInstallationToken } from '../../../src/local-github/domain/apps.js';
import { createAccount, issuePersonalToken } from '../../../src/local-github/domain/accounts.js';
import { createRepo } from '../../../src/local-github/domain/repos.js';

let w: World;
before(async () => {
  w = await startWorld();
});
after(async () => {
  await w.close();
});

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof RequestError) return e.status;
    throw e;
  }
}

test('private repositories: reads need visibility (404) and, for installations, checks:read (403)', async () => {
  const secret = createRepo(w.lg.ctx, w.org, 'secret', { private: true, files: { 'a.txt': 'a\n' } });
  const sha = secret.refs.get('refs/heads/main') as string;
  const run = await w.checker.rest.checks.create({ owner: 'acme', repo: 'secret', name: 'x', head_sha: sha });
  assert.equal(await statusOf(w.reader.rest.checks.get({ owner: 'acme', repo: 'secret', check_run_id: run.data.id })), 200);

  const noChecks = createApp(w.lg.state, w.org, 'NoChecks', { permissions: { metadata: 'read', contents: 'read' } });
  const inst = installApp(w.lg.state, noChecks, w.org, 'all');
  const noChecksClient = new Octokit({ baseUrl: w.apiUrl, auth: issueInstallationToken(w.lg.state, inst).token });
  assert.equal(await statusOf(noChecksClient.rest.checks.get({ owner: 'acme', repo: 'secret', check_run_id: run.data.id })), 403);
  assert.equal(await statusOf(noChecksClient.rest.checks.listForRef({ owner: 'acme', repo: 'secret', ref: sha })), 403);
  // A public repository's checks are readable by anyone who can pull it.
  assert.equal(await statusOf(noChecksClient.rest.checks.listForRef({ owner: 'acme', repo: 'widgets', ref: w.sha })), 200);

  const stranger = createAccount(w.lg.state, 'stranger', 'User');
  const strangerClient = new Octokit({ baseUrl: w.apiUrl, auth: issuePersonalToken(w.lg.state, stranger) });
  assert.equal(await statusOf(strangerClient.rest.checks.get({ owner: 'acme', repo: 'secret', check_run_id: run.data.id })), 404);
  const anonymous = new Octokit({ baseUrl: w.apiUrl });
  assert.equal(await statusOf(anonymous.rest.checks.getSuite({ owner: 'acme', repo: 'secret', check_suite_id: run.data.check_suite?.id as number })), 404);
  assert.equal(await statusOf(anonymous.rest.checks.get({ owner: 'acme', repo: 'widgets', check_run_id: run.data.id })), 404, 'a run of another repository');

  // The person's token without the repo scope cannot see the private repository at all.
  const noScope = new Octokit({ baseUrl: w.apiUrl, auth: issuePersonalToken(w.lg.state, w.person, ['read:org']) });
  w.lg.state.repo(secret.id).collaborators.set(w.person.id, 'write');
  assert.equal(await statusOf(noScope.rest.checks.get({ owner: 'acme', repo: 'secret', check_run_id: run.data.id })), 404);
  assert.equal(await statusOf(w.user.rest.checks.get({ owner: 'acme', repo: 'secret', check_run_id: run.data.id })), 200);
  await w.take();
});

test('writes: app installations only; an installation that does not cover the repository cannot write', async () => {
  const elsewhere = createAccount(w.lg.state, 'elsewhere', 'Organization');
  const app = createApp(w.lg.state, elsewhere, 'Elsewhere', { permissions: { checks: 'write', metadata: 'read' } });
  const inst = installApp(w.lg.state, app, elsewhere, 'all');
  const client = new Octokit({ baseUrl: w.apiUrl, auth: issueInstallationToken(w.lg.state, inst).token });
  assert.equal(await statusOf(client.rest.checks.create({ owner: 'acme', repo: 'widgets', name: 'x', head_sha: w.sha })), 403);
  const anonymous = new Octokit({ baseUrl: w.apiUrl });
  assert.equal(await statusOf(anonymous.rest.checks.create({ owner: 'acme', repo: 'widgets', name: 'x', head_sha: w.sha })), 401);
  assert.equal(await statusOf(w.user.rest.checks.rerequestRun({ owner: 'acme', repo: 'widgets', check_run_id: 1 })), 403);
  assert.equal(await statusOf(w.user.rest.checks.rerequestSuite({ owner: 'acme', repo: 'widgets', check_suite_id: 1 })), 403);
  assert.equal(await statusOf(w.checker.rest.checks.create({ owner: 'acme', repo: 'nope', name: 'x', head_sha: w.sha })), 404);
});

test('ids that are not numbers are 404; malformed JSON is 400; hostile bodies are 422, never 500', async () => {
  const raw = (method: string, path: string, body: string) =>
    fetch(`${w.apiUrl}${path}`, { method, body: body === '' ? undefined : body, headers: { authorization: `token ${issueInstallationToken(w.lg.state, w.installations.checker).token}`, 'content-type': 'application/json' } });
  assert.equal((await raw('GET', '/repos/acme/widgets/check-runs/abc', '')).status, 404);
  assert.equal((await raw('GET', '/repos/acme/widgets/check-suites/1e3', '')).status, 404);
  assert.equal((await raw('POST', '/repos/acme/widgets/check-runs', '{"name":')).status, 400);
  for (const body of ['[]', '"x"', '123', '{"__proto__":{"admin":true},"name":"n","head_sha":5}', `{"name":"n","head_sha":"${w.sha}","output":{"title":"t","summary":"s","annotations":"x"}}`, `{"name":"n","head_sha":"${w.sha}","actions":[null]}`]) {
    const res = await raw('POST', '/repos/acme/widgets/check-runs', body);
    assert.equal(res.status, 422, body);
    const json = (await res.json()) as { message: string; documentation_url: string };
    assert.match(json.message, /^Invalid request\.\n\n/, body);
  }
  assert.equal(({} as Record<string, unknown>).admin, undefined);
});

test('conditional GET: an unchanged check run answers 304 to If-None-Match', async () => {
  const run = await w.checker.rest.checks.create({ owner: 'acme', repo: 'widgets', name: 'etag', head_sha: w.sha });
  const first = await w.reader.rest.checks.get({ owner: 'acme', repo: 'widgets', check_run_id: run.data.id });
  assert.ok(first.headers.etag);
  const again = await statusOf(w.reader.rest.checks.get({ owner: 'acme', repo: 'widgets', check_run_id: run.data.id, headers: { 'if-none-match': first.headers.etag } }));
  assert.equal(again, 304);
  await w.checker.rest.checks.update({ owner: 'acme', repo: 'widgets', check_run_id: run.data.id, status: 'in_progress' });
  const changed = await w.reader.rest.checks.get({ owner: 'acme', repo: 'widgets', check_run_id: run.data.id, headers: { 'if-none-match': first.headers.etag } });
  assert.equal(changed.data.status, 'in_progress');
  await w.take();
});
