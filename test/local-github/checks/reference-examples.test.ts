/**
 * GitHub's documented examples (the reference pages in ../shared/reference, identical to the examples of the
 * OpenAPI description kept in the fixture) reproduced field for field: same keys, same values for everything
 * that is not an id, a URL, a SHA, a timestamp chosen by the server, or the app/repository of this emulator.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { openPull } from '../../../src/local-github/domain/pulls.js';
import { startWorld, type World } from './harness.js';
import { validateResponse } from './openapi-validate.js';

type Json = Record<string, unknown>;
const subset = JSON.parse(readFileSync(new URL('../../fixtures/openapi/github-subset.json', import.meta.url), 'utf8')) as {
  components: { examples: Record<string, { value: unknown }> };
};
const example = (name: string) => structuredClone(subset.components.examples[name].value) as Json;

/** Keys whose values are the server's own (ids, URLs, SHAs, node ids, embedded app/repository). */
const OWN = new Set(['id', 'node_id', 'url', 'html_url', 'annotations_url', 'check_runs_url', 'head_sha', 'after', 'before', 'blob_href', 'app', 'repository', 'created_at', 'updated_at', 'sha', 'app_id', 'number']);

/** Asserts `ours` has exactly the example's keys and equal values outside OWN, recursively. */
function sameShape(ours: unknown, theirs: unknown, where = '$'): void {
  if (Array.isArray(theirs)) {
    assert.ok(Array.isArray(ours), `${where} is an array`);
    assert.equal(ours.length, theirs.length, `${where} length`);
    theirs.forEach((t, i) => sameShape(ours[i], t, `${where}[${i}]`));
    return;
  }
  if (theirs && typeof theirs === 'object') {
    assert.ok(ours && typeof ours === 'object', `${where} is an object`);
    const o = ours as Json;
    const t = theirs as Json;
    assert.deepEqual(Object.keys(o).filter((k) => !OPTIONAL_EXTRA.has(k)).sort(), Object.keys(t).sort(), `${where} keys`);
    for (const key of Object.keys(t)) {
      if (OWN.has(key)) continue;
      // A PR's head/base repository is ours: same keys, own values.
      if (key === 'repo') assert.deepEqual(Object.keys(o[key] as Json).sort(), Object.keys(t[key] as Json).sort(), `${where}.repo keys`);
      else sameShape(o[key], t[key], `${where}.${key}`);
    }
    return;
  }
  assert.deepEqual(ours, theirs, where);
}
/** Optional schema fields the examples predate. */
const OPTIONAL_EXTRA = new Set(['rerequestable', 'runs_rerequestable']);

let w: World;
before(async () => {
  w = await startWorld();
});
after(async () => {
  await w.close();
});

const owner = 'acme';
const repo = 'widgets';
const annotations = [
  { path: 'README.md', start_line: 2, end_line: 2, start_column: 5, end_column: 10, annotation_level: 'warning' as const, title: 'Spell Checker', message: "Check your spelling for 'banaas'.", raw_details: "Do you mean 'bananas' or 'banana'?" },
  { path: 'README.md', start_line: 4, end_line: 4, annotation_level: 'notice' as const, message: 'Add an install section.' },
];

/** The shared reference pages sit next to the repository (`../shared/reference`). */
const REFERENCE_PAGE = new URL('../../../../shared/reference/github-checks-api-runs-and-suites.txt', import.meta.url);

test('the reference pages and the fixture carry the same check-run example', { skip: !existsSync(REFERENCE_PAGE) }, () => {
  const text = readFileSync(REFERENCE_PAGE, 'utf8');
  const at = text.indexOf('{', text.indexOf('Response for in_progress conclusion'));
  let depth = 0;
  let end = at;
  for (; end < text.length; end++) {
    if (text[end] === '{') depth++;
    if (text[end] === '}' && --depth === 0) break;
  }
  const page = JSON.parse(text.slice(at, end + 1)) as Json;
  const fixture = example('check-run-example-of-in-progress-conclusion');
  for (const key of ['status', 'conclusion', 'name', 'external_id', 'details_url', 'started_at', 'completed_at']) {
    assert.deepEqual(page[key], fixture[key], key);
  }
  assert.deepEqual(Object.keys(page).sort(), Object.keys(fixture).sort());
});

test('check runs: the in_progress and completed examples, the annotation example, the paginated list', async () => {
  const branch = 'say-hello';
  w.push('master', { 'base.txt': 'base\n' });
  const sha = w.push(branch, { 'README.md': 'hello\nbanaas\n' });
  openPull(w.lg.ctx, w.repo, { user: w.person, title: 'Say hello', head: branch, base: 'master' });
  const inProgress = example('check-run-example-of-in-progress-conclusion');
  const output = inProgress.output as Json;
  const created = await w.checker.rest.checks.create({
    owner, repo, head_sha: sha, name: 'mighty_readme', external_id: '42', details_url: 'https://example.com', status: 'in_progress',
    started_at: '2018-05-04T01:14:52Z', output: { title: String(output.title), summary: String(output.summary), text: String(output.text), annotations },
  });
  validateResponse('POST', '/repos/{owner}/{repo}/check-runs', 201, created.data);
  sameShape(created.data, inProgress);
  assert.deepEqual(Object.keys(created.data.app ?? {}).filter((k) => k in (inProgress.app as Json)).sort(), Object.keys(inProgress.app as Json).sort());

  const completedExample = example('check-run-example-of-completed-conclusion');
  const completed = await w.checker.rest.checks.update({
    owner, repo, check_run_id: created.data.id, conclusion: 'neutral', completed_at: '2018-05-04T01:14:52Z',
    output: { title: String((completedExample.output as Json).title), summary: String((completedExample.output as Json).summary), text: String((completedExample.output as Json).text) },
  });
  validateResponse('PATCH', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 200, completed.data);
  sameShape(completed.data, completedExample);
  // The `check-run` example (GET, and the one on the reference page) has an empty external_id.
  await w.checker.rest.checks.update({ owner, repo, check_run_id: created.data.id, external_id: '' });
  sameShape((await w.reader.rest.checks.get({ owner, repo, check_run_id: created.data.id })).data, example('check-run'));

  const listed = await w.reader.rest.checks.listAnnotations({ owner, repo, check_run_id: created.data.id, per_page: 1 });
  sameShape(listed.data, example('check-annotation-items'));

  const page = await w.reader.rest.checks.listForRef({ owner, repo, ref: sha });
  sameShape(page.data, example('check-run-paginated'));
  await w.take();
});

test('check suites: the suite example (completed/neutral on master), the paginated list and the preferences example', async () => {
  const suiteExample = example('check-suite');
  const sha = w.push('master', { 'x.txt': 'x\n' });
  await w.take();
  const run = await w.checker.rest.checks.create({ owner, repo, head_sha: sha, name: 'only', conclusion: 'neutral' });
  const suite = await w.checker.rest.checks.getSuite({ owner, repo, check_suite_id: run.data.check_suite?.id as number });
  validateResponse('GET', '/repos/{owner}/{repo}/check-suites/{check_suite_id}', 200, suite.data);
  const commit = (suiteExample.head_commit as Json);
  const ours = suite.data as unknown as Json;
  // The head commit is ours; its shape is GitHub's.
  assert.deepEqual(Object.keys(ours.head_commit as Json).sort(), Object.keys(commit).sort());
  sameShape({ ...ours, head_commit: commit }, suiteExample);
  assert.deepEqual(Object.keys(ours.repository as Json).filter((k) => !(k in (suiteExample.repository as Json))), [], 'no repository field GitHub does not show');

  const page = await w.reader.rest.checks.listSuitesForRef({ owner, repo, ref: sha, app_id: w.apps.checker.id });
  const pageExample = example('check-suite-paginated');
  assert.deepEqual(Object.keys(page.data), Object.keys(pageExample));
  sameShape({ ...page.data, check_suites: page.data.check_suites.map((s) => ({ ...s, head_commit: commit })) }, pageExample);

  const prefExample = example('check-suite-preference');
  const wanted = (prefExample.preferences as { auto_trigger_checks: { setting: boolean }[] }).auto_trigger_checks;
  const prefs = await w.checker.rest.checks.setSuitesPreferences({
    owner, repo, auto_trigger_checks: [{ app_id: w.apps.reader.id, setting: wanted[0].setting }, { app_id: w.apps.other.id, setting: wanted[1].setting }],
  });
  sameShape(prefs.data, prefExample);
  await w.take();
});
