import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, routing, type World } from './harness.js';
import { failure } from '../helpers.js';
import { validateResponse, validateWebhook } from './openapi-validate.js';

let w: World;
before(async () => {
  w = await startWorld();
});
after(async () => {
  await w.close();
});

const owner = 'acme';
const repo = 'widgets';
const RUN = '/repos/{owner}/{repo}/check-runs/{check_run_id}';

test('create, get, update a check run through @octokit/rest; responses match the OpenAPI description', async () => {
  const created = await w.checker.rest.checks.create({ owner, repo, name: 'lint', head_sha: w.sha, status: 'in_progress' });
  assert.equal(created.status, 201);
  validateResponse('POST', '/repos/{owner}/{repo}/check-runs', 201, created.data);
  assert.equal(created.data.app?.id, w.apps.checker.id);
  assert.equal(created.data.head_sha, w.sha);

  const got = await w.reader.rest.checks.get({ owner, repo, check_run_id: created.data.id });
  validateResponse('GET', RUN, 200, got.data);
  assert.deepEqual(got.data, created.data);

  const updated = await w.checker.rest.checks.update({ owner, repo, check_run_id: created.data.id, conclusion: 'success', output: { title: 'ok', summary: 'all good' } });
  validateResponse('PATCH', RUN, 200, updated.data);
  assert.equal(updated.data.status, 'completed');
  assert.equal(updated.data.conclusion, 'success');
  assert.equal(updated.data.output.summary, 'all good');

  const hooks = await w.take();
  for (const h of hooks) {
    assert.ok(h.signatureOk, 'signed with the receiver secret');
    validateWebhook(h.event, String(h.action), h.payload);
  }
  assert.deepEqual(routing(hooks), [
    'check_run.completed→checker', 'check_run.completed→other', 'check_run.completed→reader', 'check_run.completed→repo-hook',
    'check_run.created→checker', 'check_run.created→other', 'check_run.created→reader', 'check_run.created→repo-hook',
    'check_suite.completed→checker', 'check_suite.completed→other', 'check_suite.completed→reader', 'check_suite.completed→repo-hook',
  ]);
  const toChecker = hooks.find((h) => h.to === 'checker' && h.event === 'check_run');
  assert.deepEqual(toChecker?.payload.installation, { id: w.installations.checker.id, node_id: (toChecker?.payload.installation as { node_id: string }).node_id });
});

test('422 handling: both families reach Octokit as RequestError with GitHub bodies', async () => {
  const missing = await failure(w.checker.rest.checks.create({ owner, repo, name: 'x' } as never));
  assert.equal(missing.status, 422);
  assert.equal((missing.response?.data as { message: string }).message, 'Invalid request.\n\n"head_sha" wasn\'t supplied.');

  const semantic = await failure(w.checker.rest.checks.create({ owner, repo, name: 'x', head_sha: w.sha, status: 'completed' }));
  assert.equal(semantic.status, 422);
  assert.deepEqual((semantic.response?.data as { errors: unknown }).errors, [{ resource: 'CheckRun', field: 'conclusion', code: 'missing_field' }]);
  assert.equal((semantic.response?.data as { status: string }).status, '422');

  const tooLong = await failure(w.checker.rest.checks.create({ owner, repo, name: 'x', head_sha: w.sha, output: { title: 't', summary: 's'.repeat(65536) } }));
  assert.equal((tooLong.response?.data as { message: string }).message, 'Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied.');

  const noCommit = await failure(w.checker.rest.checks.create({ owner, repo, name: 'x', head_sha: 'f'.repeat(40) }));
  assert.equal((noCommit.response?.data as { message: string }).message, `No commit found for SHA: ${'f'.repeat(40)}`);

  const run = await w.checker.rest.checks.create({ owner, repo, name: 'final', head_sha: w.sha, conclusion: 'failure' });
  const back = await failure(w.checker.rest.checks.update({ owner, repo, check_run_id: run.data.id, status: 'in_progress' }));
  assert.equal(back.status, 422);
  assert.equal((back.response?.data as { message: string }).message, 'Validation Failed');
  await w.take();
});

test('only GitHub App installations with checks:write may create or update runs', async () => {
  const byUser = await failure(w.user.rest.checks.create({ owner, repo, name: 'x', head_sha: w.sha }));
  assert.equal(byUser.status, 403);
  assert.equal((byUser.response?.data as { message: string }).message, 'You must authenticate via a GitHub App.');
  const byReader = await failure(w.reader.rest.checks.create({ owner, repo, name: 'x', head_sha: w.sha }));
  assert.equal(byReader.status, 403);
  assert.equal((byReader.response?.data as { message: string }).message, 'Resource not accessible by integration');
  const run = await w.checker.rest.checks.create({ owner, repo, name: 'mine', head_sha: w.sha });
  const byOther = await failure(w.other.rest.checks.update({ owner, repo, check_run_id: run.data.id, status: 'in_progress' }));
  assert.equal(byOther.status, 403);
  const notFound = await failure(w.checker.rest.checks.get({ owner, repo, check_run_id: 987654 }));
  assert.equal(notFound.status, 404);
  // checks/get documents no 404; the body is GitHub's basic-error.
  assert.deepEqual(notFound.response?.data, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/checks/runs#get-a-check-run', status: '404' });
  await w.take();
});

test('annotations: 50 per request, appended across updates, listed with GitHub Link headers and octokit.paginate', async () => {
  const ann = (i: number) => ({ path: `src/f${i}.ts`, start_line: i + 1, end_line: i + 1, annotation_level: 'warning' as const, message: `m${i}` });
  const run = await w.checker.rest.checks.create({
    owner, repo, name: 'annotated', head_sha: w.sha,
    output: { title: 'T', summary: 'S', annotations: Array.from({ length: 50 }, (_, i) => ann(i)) },
  });
  const up = await w.checker.rest.checks.update({
    owner, repo, check_run_id: run.data.id,
    output: { summary: 'S2', annotations: Array.from({ length: 50 }, (_, i) => ann(50 + i)) },
  });
  assert.equal(up.data.output.annotations_count, 100);
  const tooMany = await failure(w.checker.rest.checks.update({
    owner, repo, check_run_id: run.data.id, output: { summary: 'S', annotations: Array.from({ length: 51 }, (_, i) => ann(i)) },
  }));
  assert.equal((tooMany.response?.data as { message: string }).message, 'Invalid request.\n\nNo more than 50 items are allowed; 51 were supplied.');

  const page2 = await w.reader.rest.checks.listAnnotations({ owner, repo, check_run_id: run.data.id, per_page: 30, page: 2 });
  validateResponse('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', 200, page2.data);
  const base = `${w.apiUrl}/repositories/${w.repo.id}/check-runs/${run.data.id}/annotations`;
  assert.equal(
    page2.headers.link,
    `<${base}?per_page=30&page=1>; rel="prev", <${base}?per_page=30&page=3>; rel="next", <${base}?per_page=30&page=4>; rel="last", <${base}?per_page=30&page=1>; rel="first"`,
  );
  const all = await w.reader.paginate(w.reader.rest.checks.listAnnotations, { owner, repo, check_run_id: run.data.id, per_page: 100 });
  assert.equal(all.length, 100);
  const paged = await w.reader.paginate(w.reader.rest.checks.listAnnotations, { owner, repo, check_run_id: run.data.id, per_page: 7 });
  assert.deepEqual(paged.map((a) => a.path), Array.from({ length: 100 }, (_, i) => `src/f${i}.ts`));
  await w.take();
});

test('actions: at most 3, with 20/40/20-character limits', async () => {
  const action = { label: 'l'.repeat(20), description: 'd'.repeat(40), identifier: 'i'.repeat(20) };
  const ok = await w.checker.rest.checks.create({ owner, repo, name: 'buttons', head_sha: w.sha, actions: [action, action, action] });
  assert.equal(ok.status, 201);
  const cases: [(typeof action)[], string][] = [
    [[action, action, action, action], 'No more than 3 items are allowed; 4 were supplied.'],
    [[{ ...action, label: 'x'.repeat(21) }], 'Only 20 characters are allowed; 21 were supplied.'],
    [[{ ...action, description: 'x'.repeat(41) }], 'Only 40 characters are allowed; 41 were supplied.'],
    [[{ ...action, identifier: 'x'.repeat(21) }], 'Only 20 characters are allowed; 21 were supplied.'],
  ];
  for (const [actions, message] of cases) {
    const e = await failure(w.checker.rest.checks.update({ owner, repo, check_run_id: ok.data.id, actions }));
    assert.equal((e.response?.data as { message: string }).message, `Invalid request.\n\n${message}`);
  }
  await w.take();
});
