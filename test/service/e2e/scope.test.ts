/** Spec §5 end to end: the first policy whose scope matches the PR's files and base branch decides. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorld } from './harness.js';

const config = `{
  approvals: [
    { name: "docs", scope: { paths: ["docs/**"] }, match: "docs[count=1]" }
    { name: "release", scope: { branches: ["release"] }, match: "core[count=2]" }
    { name: "default", match: "core[count=1]" }
  ]
}
`;
const maintainers = 'github-team core\ngithub-team docs\n';

test('path scope: a PR touching only docs/ is decided by the docs policy', async () => {
  await withWorld({ config, maintainers }, async (w) => {
    const pr = await w.openPull({ files: { 'docs/guide.md': '# Guide\n' } });
    // bob is in core, not docs: under the docs policy his approval counts for nothing.
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    await w.comment(pr.number, 'dave', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by dave');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'success');
    assert.match(run?.summary ?? '', /Policy #1 docs/);

    // One file outside docs/ and the default policy applies instead.
    await w.push('feature', { 'src/x.ts': 'x\n' });
    await w.comment(pr.number, 'dave', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    assert.match(w.checkRun(pr.number)?.summary ?? '', /Policy #3 default — skipped #1 "docs" \(paths did not match\); #2 "release" \(branches did not match\)/);
  });
});

test('branch scope: a PR into release needs two core approvals', async () => {
  await withWorld({ config, maintainers }, async (w) => {
    await w.push('release', { 'VERSION': '1\n' }, 'owner');
    const pr = await w.openPull({ base: 'release', branch: 'fix', files: { 'src/fix.ts': 'fix\n' } });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'more approvals needed. checks-out: bob');
    assert.match(w.checkRun(pr.number)?.summary ?? '', /Policy #2 release/);
    await w.review(pr.number, 'carol', 'APPROVE');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob,carol');
    assert.equal(w.checkRun(pr.number)?.conclusion, 'success');
  });
});
