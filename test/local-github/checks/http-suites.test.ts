import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { Octokit } from '@octokit/rest';
import { issueInstallationToken } from '../../../src/local-github/domain/apps.js';
import { startWorld, routing, type World } from './harness.js';
import { validateResponse, validateWebhook } from './openapi-validate.js';
import { registerChecksControl, type ChecksExtension } from '../../../src/local-github/checks/index.js';
import { openPull } from '../../../src/local-github/domain/pulls.js';
import { createRepo } from '../../../src/local-github/domain/repos.js';
import { createAccount } from '../../../src/local-github/domain/accounts.js';
import { failure } from '../helpers.js';

let w: World;
before(async () => {
  w = await startWorld();
});
after(async () => {
  await w.close();
});

const owner = 'acme';
const repo = 'widgets';

function validateAll(hooks: { event: string; action: string | undefined; payload: unknown }[]): void {
  for (const h of hooks) validateWebhook(h.event, String(h.action), h.payload);
}

test('a push creates one suite per app with checks:write and sends check_suite requested to that app only', async () => {
  const sha = w.push('feature-a', { 'a.txt': 'a\n' });
  const hooks = await w.take();
  const suiteHooks = hooks.filter((h) => h.event === 'check_suite');
  assert.deepEqual(routing(suiteHooks), ['check_suite.requested→checker', 'check_suite.requested→other']);
  validateAll(suiteHooks);
  const payload = suiteHooks.find((h) => h.to === 'checker')?.payload as { check_suite: Record<string, unknown> };
  assert.equal(payload.check_suite.head_sha, sha);
  assert.equal(payload.check_suite.head_branch, 'feature-a');
  assert.equal(payload.check_suite.status, 'queued');
  assert.equal(payload.check_suite.after, sha);

  const suites = await w.reader.rest.checks.listSuitesForRef({ owner, repo, ref: sha });
  validateResponse('GET', '/repos/{owner}/{repo}/commits/{ref}/check-suites', 200, suites.data);
  assert.equal(suites.data.total_count, 2);
  assert.deepEqual(suites.data.check_suites.map((s) => s.app?.slug).sort(), ['checker', 'other']);
  const mine = await w.reader.rest.checks.listSuitesForRef({ owner, repo, ref: 'feature-a', app_id: w.apps.checker.id });
  assert.equal(mine.data.total_count, 1);

  // Pushing the same SHA to another branch: one check_suite event per SHA.
  w.lg.ctx.git.adopt(w.repo, sha);
  w.repo.refs.set('refs/heads/feature-b', sha);
  w.lg.bus.emit('push', { repo: w.repo, ref: 'refs/heads/feature-b', before: '0'.repeat(40), after: sha, commits: [], pusher: w.person, created: true, deleted: false, forced: false });
  assert.deepEqual(routing((await w.take()).filter((h) => h.event === 'check_suite')), []);
});

test('suite rollup over HTTP: in_progress while a run is open, then the highest-priority conclusion and one completed webhook', async () => {
  const sha = w.push('rollup', { 'r.txt': 'r\n' });
  await w.take();
  const a = await w.checker.rest.checks.create({ owner, repo, name: 'a', head_sha: sha, status: 'in_progress' });
  const b = await w.checker.rest.checks.create({ owner, repo, name: 'b', head_sha: sha });
  const suiteId = a.data.check_suite?.id as number;
  assert.equal(b.data.check_suite?.id, suiteId);
  let suite = await w.checker.rest.checks.getSuite({ owner, repo, check_suite_id: suiteId });
  validateResponse('GET', '/repos/{owner}/{repo}/check-suites/{check_suite_id}', 200, suite.data);
  assert.deepEqual([suite.data.status, suite.data.conclusion], ['in_progress', null]);
  await w.checker.rest.checks.update({ owner, repo, check_run_id: a.data.id, conclusion: 'success' });
  await w.checker.rest.checks.update({ owner, repo, check_run_id: b.data.id, conclusion: 'neutral' });
  suite = await w.checker.rest.checks.getSuite({ owner, repo, check_suite_id: suiteId });
  assert.deepEqual([suite.data.status, suite.data.conclusion], ['completed', 'success']);
  assert.equal(suite.data.latest_check_runs_count, 2);
  const completed = (await w.take()).filter((h) => h.event === 'check_suite');
  assert.deepEqual(routing(completed), ['check_suite.completed→checker', 'check_suite.completed→other', 'check_suite.completed→reader', 'check_suite.completed→repo-hook']);
  validateAll(completed);
  assert.equal((completed[0].payload.check_suite as { conclusion: string }).conclusion, 'success');
});

test('rerequest: run (owner only, 201 {}, suite reset, run untouched) and suite (201 {}, check_suite rerequested)', async () => {
  const sha = w.push('rerun', { 'x.txt': 'x\n' });
  await w.take();
  const run = await w.checker.rest.checks.create({ owner, repo, name: 'flaky', head_sha: sha, conclusion: 'failure' });
  await w.take();
  const wrongApp = await failure(w.other.rest.checks.rerequestRun({ owner, repo, check_run_id: run.data.id }));
  assert.equal(wrongApp.status, 403);
  const open = await w.checker.rest.checks.create({ owner, repo, name: 'open', head_sha: sha });
  const notDone = await failure(w.checker.rest.checks.rerequestRun({ owner, repo, check_run_id: open.data.id }));
  assert.equal(notDone.status, 422);
  const missing = await failure(w.checker.rest.checks.rerequestRun({ owner, repo, check_run_id: 99999999 }));
  assert.equal(missing.status, 404);
  await w.checker.rest.checks.update({ owner, repo, check_run_id: open.data.id, conclusion: 'success' });
  await w.take();

  const res = await w.checker.rest.checks.rerequestRun({ owner, repo, check_run_id: run.data.id });
  assert.equal(res.status, 201);
  validateResponse('POST', '/repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest', 201, res.data);
  const hooks = await w.take();
  assert.deepEqual(routing(hooks), ['check_run.rerequested→checker']);
  validateAll(hooks);
  const again = await w.checker.rest.checks.get({ owner, repo, check_run_id: run.data.id });
  assert.equal(again.data.conclusion, 'failure');
  const suite = await w.checker.rest.checks.getSuite({ owner, repo, check_suite_id: run.data.check_suite?.id as number });
  assert.deepEqual([suite.data.status, suite.data.conclusion], ['queued', null]);

  const rs = await w.other.rest.checks.rerequestSuite({ owner, repo, check_suite_id: suite.data.id });
  assert.equal(rs.status, 201);
  validateResponse('POST', '/repos/{owner}/{repo}/check-suites/{check_suite_id}/rerequest', 201, rs.data);
  const suiteHooks = await w.take();
  assert.deepEqual(routing(suiteHooks), ['check_suite.rerequested→checker']);
  validateAll(suiteHooks);
});

test('preferences turn auto-creation off; then manual suite creation answers 201, then 200', async () => {
  const prefs = await w.checker.rest.checks.setSuitesPreferences({ owner, repo, auto_trigger_checks: [{ app_id: w.apps.checker.id, setting: false }] });
  validateResponse('PATCH', '/repos/{owner}/{repo}/check-suites/preferences', 200, prefs.data);
  assert.deepEqual(prefs.data.preferences.auto_trigger_checks, [{ app_id: w.apps.checker.id, setting: false }]);
  assert.equal(prefs.data.repository.full_name, 'acme/widgets');
  const bad = await failure(w.checker.rest.checks.setSuitesPreferences({ owner, repo, auto_trigger_checks: [{ app_id: 1 }] } as never));
  assert.equal(bad.status, 422);

  const sha = w.push('manual', { 'm.txt': 'm\n' });
  assert.deepEqual(routing((await w.take()).filter((h) => h.event === 'check_suite')), ['check_suite.requested→other']);
  const made = await w.checker.rest.checks.createSuite({ owner, repo, head_sha: sha });
  assert.equal(made.status, 201);
  validateResponse('POST', '/repos/{owner}/{repo}/check-suites', 201, made.data);
  const same = await w.checker.rest.checks.createSuite({ owner, repo, head_sha: sha });
  assert.equal(same.status, 200);
  validateResponse('POST', '/repos/{owner}/{repo}/check-suites', 200, same.data);
  assert.equal(same.data.id, made.data.id);
  assert.equal((await failure(w.checker.rest.checks.createSuite({ owner, repo, head_sha: 'e'.repeat(40) }))).status, 422);
  assert.equal((await failure(w.user.rest.checks.createSuite({ owner, repo, head_sha: sha }))).status, 403);
  await w.checker.rest.checks.setSuitesPreferences({ owner, repo, auto_trigger_checks: [{ app_id: w.apps.checker.id, setting: true }] });
});

test('list runs for a ref (SHA, branch, heads/, tags/) and in a suite: filters, Link headers, octokit.paginate', async () => {
  const sha = w.push('lists', { 'l.txt': 'l\n' });
  w.repo.refs.set('refs/tags/v9', sha);
  await w.take();
  const first = await w.checker.rest.checks.create({ owner, repo, name: 'build', head_sha: sha, conclusion: 'failure' });
  await w.checker.rest.checks.create({ owner, repo, name: 'build', head_sha: sha, status: 'in_progress' });
  await w.checker.rest.checks.create({ owner, repo, name: 'test', head_sha: sha, conclusion: 'success' });
  await w.other.rest.checks.create({ owner, repo, name: 'scan', head_sha: sha });
  await w.take();

  for (const ref of [sha, 'lists', 'heads/lists', 'tags/v9', 'v9']) {
    const res = await w.reader.rest.checks.listForRef({ owner, repo, ref });
    validateResponse('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', 200, res.data);
    assert.equal(res.data.total_count, 3, ref);
    assert.deepEqual(Object.keys(res.data), ['total_count', 'check_runs']);
    assert.equal(res.headers.link, undefined, 'no Link when one page holds everything');
  }
  const count = async (q: Record<string, unknown>) => (await w.reader.rest.checks.listForRef({ owner, repo, ref: sha, ...q })).data.total_count;
  assert.equal(await count({ filter: 'all' }), 4);
  assert.equal(await count({ check_name: 'build', filter: 'all' }), 2);
  assert.equal(await count({ status: 'completed', filter: 'all' }), 2);
  assert.equal(await count({ app_id: w.apps.other.id }), 1);
  assert.equal((await failure(w.reader.rest.checks.listForRef({ owner, repo, ref: sha, filter: 'newest' as never }))).status, 422);
  assert.equal((await failure(w.reader.rest.checks.listForRef({ owner, repo, ref: 'no-such-branch' }))).status, 422);

  const page1 = await w.reader.rest.checks.listForRef({ owner, repo, ref: sha, filter: 'all', per_page: 1 });
  const base = `${w.apiUrl}/repositories/${w.repo.id}/commits/${sha}/check-runs`;
  assert.equal(page1.headers.link, `<${base}?filter=all&per_page=1&page=2>; rel="next", <${base}?filter=all&per_page=1&page=4>; rel="last"`);
  const last = await w.reader.rest.checks.listForRef({ owner, repo, ref: sha, filter: 'all', per_page: 1, page: 4 });
  assert.equal(last.headers.link, `<${base}?filter=all&per_page=1&page=3>; rel="prev", <${base}?filter=all&per_page=1&page=1>; rel="first"`);
  const all = await w.reader.paginate(w.reader.rest.checks.listForRef, { owner, repo, ref: sha, filter: 'all', per_page: 1 });
  assert.equal(all.length, 4);
  assert.equal(new Set(all.map((r) => r.id)).size, 4);

  const suiteId = first.data.check_suite?.id as number;
  const inSuite = await w.reader.rest.checks.listForSuite({ owner, repo, check_suite_id: suiteId, filter: 'all' });
  validateResponse('GET', '/repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs', 200, inSuite.data);
  assert.equal(inSuite.data.total_count, 3);
  const latest = await w.reader.paginate(w.reader.rest.checks.listForSuite, { owner, repo, check_suite_id: suiteId, per_page: 1 });
  assert.deepEqual(latest.map((r) => r.name).sort(), ['build', 'test']);
  assert.equal((await failure(w.reader.rest.checks.listForSuite({ owner, repo, check_suite_id: 424242 }))).status, 404);
  const suites = await w.reader.paginate(w.reader.rest.checks.listSuitesForRef, { owner, repo, ref: sha, per_page: 1 });
  assert.equal(suites.length, 2);
  const byName = await w.reader.rest.checks.listSuitesForRef({ owner, repo, ref: sha, check_name: 'scan' });
  assert.deepEqual(byName.data.check_suites.map((s) => s.app?.slug), ['other']);
});

test('pull_requests: filled for a same-repository PR, empty (and head_branch null) for a fork', async () => {
  const sha = w.push('pr-branch', { 'p.txt': 'p\n' });
  const pull = openPull(w.lg.ctx, w.repo, { user: w.person, title: 'PR', head: 'pr-branch', base: 'main' });
  await w.take();
  const run = await w.checker.rest.checks.create({ owner, repo, name: 'pr-check', head_sha: sha });
  assert.deepEqual(run.data.pull_requests.map((p) => [p.number, p.head.ref, p.head.sha, p.base.ref, p.head.repo.id]), [[pull.number, 'pr-branch', sha, 'main', w.repo.id]]);
  const suite = await w.checker.rest.checks.getSuite({ owner, repo, check_suite_id: run.data.check_suite?.id as number });
  assert.equal(suite.data.pull_requests?.[0]?.number, pull.number);
  assert.equal(suite.data.head_branch, 'pr-branch');

  const forker = createAccount(w.lg.state, 'forker', 'User');
  const fork = createRepo(w.lg.ctx, forker, 'widgets');
  fork.fork = true;
  fork.parentId = w.repo.id;
  const forkSha = w.push('fix', { 'f.txt': 'f\n' }, fork);
  openPull(w.lg.ctx, w.repo, { user: forker, title: 'from fork', head: 'forker:fix', base: 'main' });
  await w.take();
  const forkRun = await w.checker.rest.checks.create({ owner, repo, name: 'fork-check', head_sha: forkSha });
  assert.deepEqual(forkRun.data.pull_requests, []);
  const forkSuite = await w.checker.rest.checks.getSuite({ owner, repo, check_suite_id: forkRun.data.check_suite?.id as number });
  assert.equal(forkSuite.data.head_branch, null);
  assert.deepEqual(forkSuite.data.pull_requests, []);
  await w.take();
});

test('requested action: the control action fires check_run requested_action to the run app only', async () => {
  const sha = w.push('actions', { 'b.txt': 'b\n' });
  const run = await w.checker.rest.checks.create({
    owner, repo, name: 'fixable', head_sha: sha, conclusion: 'action_required',
    actions: [{ label: 'Fix it', description: 'Apply the suggested fix', identifier: 'fix' }],
  });
  await w.take();
  // Through the emulator's own control API (`/_emulator`, mounted by the core from the Checks extension).
  const origin = w.apiUrl.replace(/\/api\/v3$/, '');
  const click = (path: string, body: unknown) =>
    fetch(`${origin}/_emulator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const url = `/repos/acme/widgets/check-runs/${run.data.id}/requested-action`;
  assert.equal((await click(url, { identifier: 'nope' })).status, 422);
  assert.equal((await click(url, {})).status, 422);
  assert.equal((await click('/repos/acme/nothing/check-runs/1/requested-action', { identifier: 'fix' })).status, 404);
  assert.equal((await click(url, { identifier: 'fix', login: 'nobody-here' })).status, 422);
  const res = await click(url, { identifier: 'fix', login: 'octo' });
  assert.equal(res.status, 204);
  const hooks = await w.take();
  assert.deepEqual(routing(hooks), ['check_run.requested_action→checker']);
  validateAll(hooks);
  assert.deepEqual(hooks[0].payload.requested_action, { identifier: 'fix' });
  assert.equal((hooks[0].payload.sender as { login: string }).login, 'octo');

  // The same action mounted on any Fastify scope (what the core does with `registerControl`).
  const control = Fastify();
  registerChecksControl(control, w.lg.ctx);
  assert.equal((await control.inject({ method: 'POST', url, payload: { identifier: 'fix' } })).statusCode, 204);
  assert.deepEqual(routing(await w.take()), ['check_run.requested_action→checker']);
  await control.close();

  const ext = w.lg.state.extension('checks') as ChecksExtension;
  const view = ext.runsForCommit(w.repo, sha);
  assert.deepEqual(view.map((v) => [v.name, v.conclusion, v.actions_enabled, v.actions.map((a) => a.identifier)]), [['fixable', 'action_required', true, ['fix']]]);
});

test('check state is saved and restored with the emulator snapshot', async () => {
  const sha = w.push('persist', { 'q.txt': 'q\n' });
  const run = await w.checker.rest.checks.create({ owner, repo, name: 'kept', head_sha: sha, output: { title: 't', summary: 's', annotations: [{ path: 'q.txt', start_line: 1, end_line: 1, annotation_level: 'notice', message: 'm' }] } });
  await w.take();
  const snapshot = JSON.parse(JSON.stringify(w.lg.state.snapshot())) as unknown;
  w.lg.state.reset();
  w.lg.state.restore(snapshot);
  w.repo = w.lg.state.repo(w.repo.id);
  const got = await w.reader.rest.checks.get({ owner, repo, check_run_id: run.data.id });
  assert.deepEqual(got.data, run.data);
  const next = await w.checker.rest.checks.create({ owner, repo, name: 'after', head_sha: sha });
  assert.ok(next.data.id > run.data.id);
  assert.equal(next.data.check_suite?.id, run.data.check_suite?.id);
  await w.take();
});

test('control options: conclusion changes after completion can be forbidden; the rollup table can be reordered', async () => {
  const origin = w.apiUrl.replace(/\/api\/v3$/, '');
  const put = (body: unknown) => fetch(`${origin}/_emulator/checks/options`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await put({ allow_conclusion_change_after_completed: 'no' })).status, 422);
  assert.equal((await put({ conclusion_priority: ['success'] })).status, 422);
  assert.equal((await put({ conclusion_priority: ['success', 'success', 'neutral', 'skipped', 'failure', 'cancelled', 'timed_out', 'action_required', 'stale'] })).status, 422);
  const sha = w.push('options', { 'o.txt': 'o\n' });
  const run = await w.checker.rest.checks.create({ owner, repo, name: 'fixed', head_sha: sha, conclusion: 'failure' });
  const strict = await put({ allow_conclusion_change_after_completed: false });
  assert.equal(((await strict.json()) as { allow_conclusion_change_after_completed: boolean }).allow_conclusion_change_after_completed, false);
  assert.equal((await failure(w.checker.rest.checks.update({ owner, repo, check_run_id: run.data.id, conclusion: 'success' }))).status, 422);
  await put({ allow_conclusion_change_after_completed: true });
  await w.checker.rest.checks.update({ owner, repo, check_run_id: run.data.id, conclusion: 'success' });
  await w.checker.rest.checks.create({ owner, repo, name: 'other', head_sha: sha, conclusion: 'neutral' });
  const suiteId = run.data.check_suite?.id as number;
  assert.equal((await w.checker.rest.checks.getSuite({ owner, repo, check_suite_id: suiteId })).data.conclusion, 'success');
  const order = ['neutral', 'action_required', 'cancelled', 'timed_out', 'failure', 'startup_failure', 'stale', 'success', 'skipped'];
  assert.equal((await put({ conclusion_priority: order })).status, 200);
  await w.checker.rest.checks.create({ owner, repo, name: 'third', head_sha: sha, conclusion: 'success' });
  assert.equal((await w.checker.rest.checks.getSuite({ owner, repo, check_suite_id: suiteId })).data.conclusion, 'neutral');
  await put({ conclusion_priority: ['action_required', 'cancelled', 'timed_out', 'failure', 'startup_failure', 'stale', 'success', 'neutral', 'skipped'] });
  await w.take();
});

// Last: it moves the clock 14 days forward.
test('runs incomplete for 14 days become stale (clock advanced) and still validate (patched enum)', async () => {
  const sha = w.push('stale', { 's.txt': 's\n' });
  const run = await w.checker.rest.checks.create({ owner, repo, name: 'slow', head_sha: sha, status: 'in_progress' });
  await w.take();
  // Advancing the clock through the control API sweeps stale runs at once (webhooks before any read).
  const origin = w.apiUrl.replace(/\/api\/v3$/, '');
  const advanced = await fetch(`${origin}/_emulator/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ days: 14 }) });
  assert.equal(advanced.status, 200);
  const hooks = await w.take();
  assert.ok(routing(hooks).includes('check_run.completed→checker'));
  assert.equal(((hooks.find((h) => h.event === 'check_run')?.payload.check_run) as { conclusion: string }).conclusion, 'stale');
  validateAll(hooks);
  // Tokens and app JWTs from before the jump have expired: read with a token issued now.
  const reader = new Octokit({ baseUrl: w.apiUrl, auth: issueInstallationToken(w.lg.state, w.installations.reader).token });
  const got = await reader.rest.checks.get({ owner, repo, check_run_id: run.data.id });
  validateResponse('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 200, got.data);
  assert.deepEqual([got.data.status, got.data.conclusion], ['completed', 'stale']);
});
