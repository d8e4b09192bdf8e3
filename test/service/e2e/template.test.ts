/**
 * The organisation's template (spec §2.1, §4.1: `template.checks-out` / `template.MAINTAINERS` in
 * `<org>/checks-out-configuration`) end to end, in particular for the PR's own version of the policy files:
 * a PR that touches MAINTAINERS, or deletes `.checks-out` to move to the template, is validated the way the
 * default branch is read, with the template read from its own repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, ORG, withWorld, type World } from './harness.js';

const TEMPLATE_REPO = `${ORG}/checks-out-configuration`;

function createTemplate(w: World, files: Record<string, string>): void {
  w.lg.admin.createRepo(TEMPLATE_REPO, { files: { 'README.md': 'org policy\n', ...files } });
}

test('template: a repository without .checks-out is decided by the org template', async () => {
  await withWorld({ config: null }, async (w) => {
    createTemplate(w, { 'template.checks-out': DEFAULT_CONFIG });
    const pr = await w.openPull();
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});

test('template: a PR that changes MAINTAINERS in a repository using the template is not reported as missing .checks-out', async () => {
  await withWorld({ config: null }, async (w) => {
    createTemplate(w, { 'template.checks-out': DEFAULT_CONFIG });
    const pr = await w.openPull({ files: { MAINTAINERS: 'bob\ncarol\ndave\nalice\nerin\n' } });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'success', JSON.stringify(run));
    assert.deepEqual(run?.annotations, []);
  });
});

test('template: the PR version still validates MAINTAINERS at the head against the template policy', async () => {
  await withWorld({ config: null }, async (w) => {
    createTemplate(w, { 'template.checks-out': DEFAULT_CONFIG });
    const pr = await w.openPull({ files: { MAINTAINERS: 'bob\n   \ncarol\n' } });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.summary ?? '', /This pull request's version of the policy files is invalid/);
    assert.ok(run?.annotations.some((a) => a.path === 'MAINTAINERS' && a.start_line === 2), JSON.stringify(run?.annotations));
  });
});

test('template: a PR that deletes .checks-out to move to the template passes', async () => {
  await withWorld({}, async (w) => {
    createTemplate(w, { 'template.checks-out': DEFAULT_CONFIG });
    const pr = await w.openPull({ files: { '.checks-out': null } });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'success', JSON.stringify(run));
  });
});

test('template: deleting .checks-out where the organisation has no template is still reported', async () => {
  await withWorld({}, async (w) => {
    const pr = await w.openPull({ files: { '.checks-out': null } });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.summary ?? '', /This pull request's version of the policy files is invalid/);
    assert.match(run?.summary ?? '', /\.checks-out file not found/);
  });
});

test('template: a PR that adds a broken legacy .lgtm (which would take over from the template) is reported', async () => {
  await withWorld({ config: null }, async (w) => {
    createTemplate(w, { 'template.checks-out': DEFAULT_CONFIG });
    const pr = await w.openPull({ files: { '.lgtm': 'approvals = [\n' } });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.summary ?? '', /This pull request's version of the policy files is invalid/);
  });
});
