import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChecksError } from '../../../src/local-github/checks/errors.js';
import { listRunsForSha, listRunsForSuite, listSuitesForSha, parseRunFilters } from '../../../src/local-github/checks/queries.js';
import { ChecksService, STALE_AFTER_MS, type ChecksOptions } from '../../../src/local-github/checks/service.js';
import type { ChecksEvent } from '../../../src/local-github/checks/types.js';
import { validateRunBody } from '../../../src/local-github/checks/validate.js';

const SHA = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);
const REPO = 7;
const APP = 1;
const OTHER_APP = 2;

function setup(options: Partial<ChecksOptions> = {}) {
  let now = Date.UTC(2024, 0, 1);
  const events: ChecksEvent[] = [];
  const service = new ChecksService(
    {
      now: () => now,
      commitExists: (repoId, sha) => repoId === REPO && (sha === SHA || sha === SHA2),
      headBranchFor: (_repo, sha) => (sha === SHA ? 'main' : null),
      emit: (e) => events.push(e),
    },
    options,
  );
  const create = (body: Record<string, unknown>, app = APP) =>
    service.createRun(REPO, app, validateRunBody({ name: 'lint', head_sha: SHA, ...body }, true), 9);
  const update = (id: number, body: Record<string, unknown>, app = APP) =>
    service.updateRun(REPO, id, app, validateRunBody(body, false), 9);
  const names = () => events.map((e) => `${e.event}.${e.action}`);
  return { service, events, names, create, update, advance: (ms: number) => (now += ms), clear: () => (events.length = 0) };
}

function rejects(fn: () => unknown): ChecksError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChecksError) return e;
    throw e;
  }
  assert.fail('expected a ChecksError');
}

test('creating a run creates the (app, SHA) suite once and reuses it; other apps get their own', () => {
  const t = setup();
  const a = t.create({});
  const b = t.create({ name: 'test' });
  const c = t.create({}, OTHER_APP);
  assert.equal(a.suiteId, b.suiteId);
  assert.notEqual(a.suiteId, c.suiteId);
  const suite = t.service.getSuite(REPO, a.suiteId);
  assert.equal(suite.headBranch, 'main');
  assert.equal(suite.status, 'queued');
  assert.equal(a.status, 'queued');
  assert.equal(a.externalId, '');
  assert.deepEqual(t.names(), ['check_run.created', 'check_run.created', 'check_run.created']);
});

test('an unknown head_sha is a 422 "No commit found for SHA"', () => {
  const t = setup();
  const e = rejects(() => t.create({ head_sha: 'c'.repeat(40) }));
  assert.equal(e.status, 422);
  assert.equal(e.body.message, `No commit found for SHA: ${'c'.repeat(40)}`);
});

test('a conclusion completes the run (create and update) and the suite completes with one webhook', () => {
  const t = setup();
  const run = t.create({ conclusion: 'success' });
  assert.equal(run.status, 'completed');
  assert.ok(run.completedAt);
  assert.deepEqual(t.names(), ['check_run.created', 'check_run.completed', 'check_suite.completed']);
  const suite = t.service.getSuite(REPO, run.suiteId);
  assert.deepEqual([suite.status, suite.conclusion], ['completed', 'success']);

  const other = t.create({ name: 'second', status: 'in_progress' });
  assert.deepEqual([suite.status, suite.conclusion], ['in_progress', null]);
  t.clear();
  t.update(other.id, { conclusion: 'failure' });
  assert.equal(other.status, 'completed');
  assert.deepEqual([suite.status, suite.conclusion], ['completed', 'failure']);
  assert.deepEqual(t.names(), ['check_run.completed', 'check_suite.completed']);
});

test('no way back from completed; the conclusion may change unless the flag forbids it', () => {
  const t = setup();
  const run = t.create({ conclusion: 'failure' });
  for (const status of ['queued', 'in_progress']) {
    const e = rejects(() => t.update(run.id, { status }));
    assert.equal(e.status, 422);
    assert.deepEqual((e.body.errors as { field: string; code: string }[]).map((x) => [x.field, x.code]), [['status', 'invalid']]);
  }
  t.update(run.id, { conclusion: 'success' });
  assert.equal(run.conclusion, 'success');
  assert.equal(t.service.getSuite(REPO, run.suiteId).conclusion, 'success');

  const strict = setup({ allowConclusionChangeAfterCompleted: false });
  const r2 = strict.create({ conclusion: 'failure' });
  assert.equal(rejects(() => strict.update(r2.id, { conclusion: 'success' })).status, 422);
  assert.doesNotThrow(() => strict.update(r2.id, { conclusion: 'failure', output: { summary: 'same' } }));
});

test('annotations are appended across updates; output text fields are replaced', () => {
  const t = setup();
  const ann = (i: number) => ({ path: `f${i}`, start_line: 1, end_line: 1, annotation_level: 'notice', message: `m${i}` });
  const run = t.create({ output: { title: 'T', summary: 'S', annotations: Array.from({ length: 50 }, (_, i) => ann(i)) } });
  t.update(run.id, { output: { summary: 'S2', annotations: Array.from({ length: 50 }, (_, i) => ann(50 + i)) } });
  t.update(run.id, { output: { summary: 'S3', text: 'body', annotations: [ann(100)] } });
  assert.equal(run.annotations.length, 101);
  assert.equal(run.annotations[100].path, 'f100');
  assert.deepEqual(run.output, { title: 'T', summary: 'S3', text: 'body' });
});

test('updates by another app are refused; unknown runs or runs of another repository are 404', () => {
  const t = setup();
  const run = t.create({});
  assert.equal(rejects(() => t.update(run.id, { status: 'in_progress' }, OTHER_APP)).status, 403);
  assert.equal(rejects(() => t.service.getRun(REPO + 1, run.id)).status, 404);
  assert.equal(rejects(() => t.service.getRun(REPO, 999)).status, 404);
});

test('at most 1000 runs per name per suite: the oldest are deleted', () => {
  const t = setup();
  const first = t.create({});
  for (let i = 0; i < 1000; i++) t.create({});
  assert.equal(t.service.store.runs.has(first.id), false);
  const suiteId = first.suiteId;
  assert.equal(listRunsForSuite(t.service, REPO, suiteId, parseRunFilters({ filter: 'all' }, 'listRunsForSuite')).length, 1000);
  t.create({ name: 'other' });
  assert.equal(listRunsForSuite(t.service, REPO, suiteId, parseRunFilters({ filter: 'all' }, 'listRunsForSuite')).length, 1001);
  // A smaller cap behaves the same way.
  const small = setup({ maxRunsPerName: 2 });
  const ids = [small.create({}), small.create({}), small.create({})].map((r) => r.id);
  assert.deepEqual([...small.service.store.runs.keys()], ids.slice(1));
});

test('runs incomplete for 14 days become completed/stale (injectable clock) and the suite rolls up', () => {
  const t = setup();
  const old = t.create({ status: 'in_progress' });
  t.advance(STALE_AFTER_MS - 1000);
  const young = t.create({ name: 'young' });
  t.clear();
  t.advance(999);
  assert.equal(t.service.getRun(REPO, old.id).status, 'in_progress');
  t.advance(1);
  assert.equal(t.service.getRun(REPO, old.id).conclusion, 'stale');
  assert.equal(old.status, 'completed');
  assert.equal(young.status, 'queued');
  assert.deepEqual(t.names(), ['check_run.completed']);
  t.update(young.id, { conclusion: 'success' });
  assert.equal(t.service.getSuite(REPO, old.suiteId).conclusion, 'stale');
});

test('rerequest a run: owner only (403), completed only (422), suite reset, run untouched, one webhook', () => {
  const t = setup();
  const run = t.create({ conclusion: 'failure' });
  const suite = t.service.getSuite(REPO, run.suiteId);
  assert.equal(rejects(() => t.service.rerequestRun(REPO, run.id, OTHER_APP, 9)).status, 403);
  const pending = t.create({ name: 'pending' });
  assert.equal(rejects(() => t.service.rerequestRun(REPO, pending.id, APP, 9)).status, 422);
  assert.equal(rejects(() => t.service.rerequestRun(REPO, 12345, APP, 9)).status, 404);
  t.update(pending.id, { conclusion: 'success' });
  t.clear();
  t.service.rerequestRun(REPO, run.id, APP, 9);
  assert.deepEqual([suite.status, suite.conclusion], ['queued', null]);
  assert.deepEqual([run.status, run.conclusion], ['completed', 'failure']);
  assert.deepEqual(t.events, [{ event: 'check_run', action: 'rerequested', runId: run.id, senderId: 9 }]);
  // The app answers with a new run; the suite rolls up again from the latest run of each name.
  t.create({ conclusion: 'success' });
  assert.deepEqual([suite.status, suite.conclusion], ['completed', 'success']);
});

test('rerequest a suite: queued, no conclusion, check_suite.rerequested', () => {
  const t = setup();
  const run = t.create({ conclusion: 'neutral' });
  t.clear();
  t.service.rerequestSuite(REPO, run.suiteId, 9);
  const suite = t.service.getSuite(REPO, run.suiteId);
  assert.deepEqual([suite.status, suite.conclusion], ['queued', null]);
  assert.deepEqual(t.names(), ['check_suite.rerequested']);
  assert.equal(rejects(() => t.service.rerequestSuite(REPO, 999, 9)).status, 404);
});

test('push: suites per app with checks:write, check_suite.requested once per SHA, preferences can turn it off', () => {
  const t = setup();
  const first = t.service.onPush(REPO, { sha: SHA, before: SHA2, branch: 'feature' }, [APP, OTHER_APP], 9);
  assert.equal(first.length, 2);
  assert.equal(first[0].headBranch, 'feature');
  assert.equal(first[0].before, SHA2);
  assert.equal(first[0].after, SHA);
  assert.deepEqual(t.names(), ['check_suite.requested', 'check_suite.requested']);
  assert.equal(t.service.onPush(REPO, { sha: SHA, before: null, branch: 'other' }, [APP], 9).length, 0);

  t.service.setPreferences(REPO, [{ app_id: APP, setting: false }]);
  t.clear();
  assert.deepEqual(t.service.onPush(REPO, { sha: SHA2, before: SHA, branch: 'feature' }, [APP], 9), []);
  assert.deepEqual(t.events, []);
  assert.deepEqual(t.service.store.preferencesOf(REPO), [{ app_id: APP, setting: false }]);
  // Manual creation then: 201 the first time, 200 after.
  const made = t.service.createSuite(REPO, APP, SHA2);
  assert.equal(made.created, true);
  const again = t.service.createSuite(REPO, APP, SHA2);
  assert.equal(again.created, false);
  assert.equal(again.suite.id, made.suite.id);
  assert.equal(rejects(() => t.service.createSuite(REPO, APP, 'f'.repeat(40))).status, 422);
});

test('requested-action click: completed runs only, known identifiers only', () => {
  const t = setup();
  const actions = [{ label: 'Fix', description: 'Fix it', identifier: 'fix' }];
  const open = t.create({ actions });
  assert.equal(rejects(() => t.service.clickAction(REPO, open.id, 'fix', 9)).status, 422);
  const run = t.create({ name: 'done', conclusion: 'action_required', actions });
  assert.equal(rejects(() => t.service.clickAction(REPO, run.id, 'nope', 9)).status, 422);
  t.clear();
  t.service.clickAction(REPO, run.id, 'fix', 9);
  assert.deepEqual(t.events, [{ event: 'check_run', action: 'requested_action', runId: run.id, senderId: 9, identifier: 'fix' }]);
});

test('list filters: latest vs all, check_name, status, app_id; suites by app and check name', () => {
  const t = setup();
  const old = t.create({ conclusion: 'failure' });
  const latest = t.create({ status: 'in_progress' });
  const test2 = t.create({ name: 'test', conclusion: 'success' });
  const other = t.create({}, OTHER_APP);
  const ids = (q: Record<string, unknown>) =>
    listRunsForSha(t.service, REPO, SHA, parseRunFilters(q, 'listRunsForRef')).map((r) => r.id);
  assert.deepEqual(ids({}), [other.id, test2.id, latest.id]);
  assert.deepEqual(ids({ filter: 'all' }), [other.id, test2.id, latest.id, old.id]);
  assert.deepEqual(ids({ check_name: 'lint', filter: 'all' }), [other.id, latest.id, old.id]);
  assert.deepEqual(ids({ status: 'completed', filter: 'all' }), [test2.id, old.id]);
  assert.deepEqual(ids({ app_id: String(OTHER_APP) }), [other.id]);
  assert.deepEqual(ids({ filter: ['all', 'latest'] }), [other.id, test2.id, latest.id]);
  assert.deepEqual(listRunsForSha(t.service, REPO, SHA2, parseRunFilters({}, 'listRunsForRef')), []);
  assert.match(String(rejects(() => parseRunFilters({ filter: 'some' }, 'listRunsForRef')).body.message), /is not a member of \["latest", "all"\]/);
  assert.match(String(rejects(() => parseRunFilters({ status: 'done' }, 'listRunsForRef')).body.message), /"done" is not a member/);
  assert.match(String(rejects(() => parseRunFilters({ app_id: '1e3' }, 'listRunsForRef')).body.message), /is not an integer/);

  const suites = (f: { appId?: number; checkName?: string }) => listSuitesForSha(t.service, REPO, SHA, f).map((s) => s.appId);
  assert.deepEqual(suites({}), [APP, OTHER_APP]);
  assert.deepEqual(suites({ appId: OTHER_APP }), [OTHER_APP]);
  assert.deepEqual(suites({ checkName: 'test' }), [APP]);
  assert.deepEqual(suites({ checkName: 'none' }), []);
});

test('renaming a run moves it to the new name (latest filter follows)', () => {
  const t = setup();
  const a = t.create({});
  const b = t.create({});
  t.update(a.id, { name: 'renamed' });
  const names = listRunsForSuite(t.service, REPO, a.suiteId, parseRunFilters({}, 'listRunsForSuite')).map((r) => [r.id, r.name]);
  assert.deepEqual(names, [[b.id, 'lint'], [a.id, 'renamed']]);
});
