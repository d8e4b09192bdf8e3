/** Spec §6.4: author affirmation, through evaluatePullRequest, plus the exact PR comment text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePullRequest, authorAffirmComment } from '../../../src/policy/index.js';
import { cfg, snap, c, r, pr, commit, uiMerge } from './_helpers.js';

const people = snap(['alice', 'bob', 'carol', 'dan']);
const one = cfg('approvals:[{match: "all[count=1,self=false]"}]');
const run = (commits: Parameters<typeof evaluatePullRequest>[0]['commits'], approval: ReturnType<typeof c>[], config = one) =>
  evaluatePullRequest({ config, snapshot: people, pr: pr('alice'), lists: { approval }, commits });

test('§6.4 all commits by the PR author: no affirmation needed', () => {
  const d = run([commit('alice'), commit('alice')], [c('bob', 'I approve')]);
  assert.deepEqual([d.approved, d.authorAffirmed, d.state, d.description], [true, true, 'success', 'approved by bob']);
});

test('§6.4 a commit by an approver: the re-run without committers fails → error status', () => {
  const d = run([commit('alice'), commit('bob')], [c('bob', 'I approve')]);
  assert.equal(d.approved, false);
  assert.equal(d.authorAffirmed, false);
  assert.equal(d.state, 'error');
  assert.equal(d.description, 'non-committer or PR author must approve');
});

test('§6.4 (b) non-committers alone satisfy the policy: affirmed, approvers are those of the re-run', () => {
  const d = run([commit('alice'), commit('bob')], [c('bob', 'I approve'), c('carol', 'I approve')]);
  assert.equal(d.approved, true);
  assert.deepEqual(d.approvers, ['carol']);
  assert.equal(d.description, 'approved by carol');
  assert.equal(d.explanation?.affirmation.rule, 'non-committers-approved');
});

test('§6.4 (a) the PR author approving (comment) affirms', () => {
  const d = run([commit('alice'), commit('bob')], [c('bob', 'I approve'), c('Alice', 'I approve')]);
  assert.equal(d.approved, true);
  assert.equal(d.authorAffirmed, true);
  // self=false: alice's own approval is not an approver, bob's is.
  assert.deepEqual(d.approvers, ['bob']);
});

test('§6.4 (a) the PR author approving with a review also affirms ("comment or review")', () => {
  const d = run([commit('alice'), commit('bob')], [c('bob', 'I approve'), r('alice', 'APPROVED')]);
  assert.equal(d.approved, true);
  assert.equal(d.explanation?.affirmation.rule, 'author-approved');
});

test('§6.4 the PR author commenting without approving does not affirm', () => {
  const d = run([commit('alice'), commit('bob')], [c('bob', 'I approve'), c('alice', 'looks fine to me')]);
  assert.equal(d.authorAffirmed, false);
});

test('§6.4 an unlinked commit author ("") counts as different from the PR author', () => {
  const d = run([commit('alice'), commit('')], [c('bob', 'I approve')]);
  assert.equal(d.approved, true);
  assert.deepEqual(d.explanation?.affirmation.otherCommitAuthors, ['']);
  assert.equal(d.explanation?.affirmation.rule, 'non-committers-approved');
});

test('§6.4 UI merges (2 parents, committer GitHub / GitHub Enterprise) are ignored', () => {
  for (const committer of ['GitHub', 'GitHub Enterprise']) {
    const d = run([commit('alice'), uiMerge({ author: 'bob', committer })], [c('bob', 'I approve')]);
    assert.equal(d.approved, true, committer);
    assert.equal(d.explanation?.affirmation.rule, 'author-only-commits');
  }
});

test('§6.4 a web-UI commit with one parent, or a 2-parent merge by someone else, is not a UI merge', () => {
  const edit = run([commit('alice'), { author: 'bob', committer: 'GitHub', parents: 1 }], [c('bob', 'I approve')]);
  assert.equal(edit.authorAffirmed, false);
  const localMerge = run([commit('alice'), { author: 'bob', committer: 'Bob', parents: 2 }], [c('bob', 'I approve')]);
  assert.equal(localMerge.authorAffirmed, false);
  const lowerCaseName = run([commit('alice'), { author: 'bob', committer: 'github', parents: 2 }], [c('bob', 'I approve')]);
  assert.equal(lowerCaseName.authorAffirmed, false, 'the committer name is compared exactly');
});

test('§6.4 logins compare case-insensitively (commit author Bob = approver BOB)', () => {
  const d = run([commit('alice'), commit('Bob')], [c('BOB', 'I approve')]);
  assert.equal(d.authorAffirmed, false);
});

test('§6.4 only evaluated when the policy approved', () => {
  const d = run([commit('alice'), commit('bob')], []);
  assert.equal(d.authorAffirmed, true);
  assert.deepEqual([d.state, d.description], ['pending', 'no approvals received']);
});

test('§6.4 feedback.authoraffirm false (top level or policy) turns it off', () => {
  for (const text of [
    'approvals:[{match: "all[count=1,self=false]"}], feedback: {authoraffirm: false}',
    'approvals:[{match: "all[count=1,self=false]", feedback: {authoraffirm: false}}]',
  ]) {
    const d = run([commit('alice'), commit('bob')], [c('bob', 'I approve')], cfg(text));
    assert.equal(d.approved, true, text);
  }
});

test('§6.4 a policy feedback section without authoraffirm takes the default (true), not the top level', () => {
  const config = cfg('approvals:[{match: "all[count=1,self=false]", feedback: {types: ["comment"]}}], feedback: {authoraffirm: false}');
  const d = run([commit('alice'), commit('bob')], [c('bob', 'I approve')], config);
  assert.equal(d.authorAffirmed, false);
});

test('§6.4 exact PR comment text, with the service prefix', () => {
  assert.equal(
    authorAffirmComment(),
    'Message from checks-out -- Someone besides the committers and the PR author should approve the pull request. ' +
      'If this is not possible, the PR author can approve to indicate they have reviewed the other commits in the PR. ' +
      'The PR author must approve with a comment directly on the PR (GitHub Reviews comments will not work).',
  );
  assert.ok(authorAffirmComment('acme').startsWith('Message from acme -- Someone besides'));
});
