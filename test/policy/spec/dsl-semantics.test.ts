/** Spec §3.5: issue-author, us/them, author(), non-short-circuit evaluation, side effects under `not`, atleast. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePullRequest, closingIssueNumbers, type EvaluateInput } from '../../../src/policy/index.js';
import type { FeedbackItem } from '../../../src/policy/types.js';
import { cfg, snap, c, r, pr } from './_helpers.js';

// eng lists alice and bob; ops lists carol; "zed" is a plain (non-maintainer) member of eng.
const people = snap(['alice', 'bob', 'carol', 'dan', 'erin'], { eng: ['alice', 'bob', 'zed'], ops: ['carol'], sec: ['dan', 'erin'] });
const ev = (match: string, approval: FeedbackItem[], extra: Partial<EvaluateInput> = {}) =>
  evaluatePullRequest({ config: cfg(`approvals:[{match: ${JSON.stringify(match)}}]`), snapshot: people, pr: pr('alice'), lists: { approval }, ...extra });
const approve = (...who: string[]) => who.map((w) => c(w, 'I approve'));

test('§3.5 issue-author: every closing-issue author must approve; the PR author is excluded', () => {
  assert.equal(ev('issue-author', approve('ivy'), { closingIssueAuthors: ['Ivy', 'jack'] }).approved, false);
  const d = ev('issue-author', approve('ivy', 'JACK'), { closingIssueAuthors: ['Ivy', 'jack', 'alice'] });
  assert.deepEqual([d.approved, d.approvers], [true, ['ivy', 'jack']]);
  // Only the PR author wrote the issue: nothing required.
  assert.equal(ev('issue-author', [], { closingIssueAuthors: ['ALICE'] }).approved, true);
});

test('§3.5 issue-author with no referenced issues is trivially true; attributes are ignored', () => {
  const d = ev('issue-author', []);
  assert.deepEqual([d.approved, d.description], [true, 'approval did not require approvers']);
  assert.equal(ev('issue-author[count=5,self=true]', approve('ivy'), { closingIssueAuthors: ['ivy'] }).approved, true);
});

test('§3.5 issue-author: self is forced false (the PR author cannot approve for an issue)', () => {
  assert.equal(ev('issue-author', approve('alice'), { closingIssueAuthors: ['ivy'] }).approved, false);
});

test('§3.5 referenced issues: close|closes|closed|fix|fixes|fixed|resolve|resolves|resolved #N, any case', () => {
  assert.deepEqual(
    closingIssueNumbers(['Fixes #12 and closes #3', 'RESOLVED #12', 'resolve #7.', 'see #99', undefined, 'close #1, fix #2']),
    [1, 2, 3, 7, 12],
  );
});

test('§3.5 us: members of the groups listing the author as a person', () => {
  assert.deepEqual(ev('us[count=1,self=false]', approve('carol', 'dan')).approvers, []);
  assert.deepEqual(ev('us[count=1,self=false]', approve('bob')).approvers, ['bob']);
  // zed is a plain member of eng: counted for `us` as a member of the group (the group's members are the union).
  assert.deepEqual(ev('us', approve('zed')).approvers, ['zed']);
});

test('§3.5 us is empty when the author is not a maintainer (groups are found via people)', () => {
  const d = evaluatePullRequest({ config: cfg('approvals:[{match: "us"}]'), snapshot: people, pr: pr('zed'), lists: { approval: approve('bob', 'alice') } });
  assert.deepEqual([d.approved, d.approvers], [false, []]);
});

test('§3.5 them: maintainers minus the us union (non-maintainers never count)', () => {
  const d = ev('them[count=3]', approve('bob', 'carol', 'dan', 'mallory', 'zed'));
  assert.deepEqual([d.approved, d.approvers], [false, ['carol', 'dan']]);
  assert.equal(ev('them[count=3]', approve('carol', 'dan', 'erin')).approved, true);
  // Author in no group: them = all people (including the author, self defaults to true).
  const lone = evaluatePullRequest({ config: cfg('approvals:[{match: "them[count=2]"}]'), snapshot: snap(['x', 'y']), pr: pr('x'), lists: { approval: approve('x', 'y') } });
  assert.equal(lone.approved, true);
});

test('§3.5 author(X): true iff the PR author is in X; emits no approvers', () => {
  const d = ev('author(eng)', []);
  assert.deepEqual([d.approved, d.approvers, d.description], [true, [], 'approval did not require approvers']);
  assert.equal(ev('author(ops)', approve('carol')).approved, false);
  assert.equal(ev('author({alice, nobody})', []).approved, true);
});

test('§3.5 author(all[count=2]) and author(x[self=false]) can never be true', () => {
  assert.equal(ev('author(all[count=2])', approve('bob', 'carol')).approved, false);
  assert.equal(ev('author(eng[self=false])', approve('bob')).approved, false);
});

test('§3.5 author() combined: author(eng) and ops — approvers from ops only', () => {
  const d = ev('author(eng) and ops', approve('carol', 'bob'));
  assert.deepEqual([d.approved, d.approvers], [true, ['carol']]);
});

test('§3.5 or evaluates every child: approvers of both sides are reported', () => {
  const d = ev('ops or sec', approve('carol', 'dan'));
  assert.deepEqual([d.approved, d.approvers], [true, ['carol', 'dan']]);
});

test('§3.5 and evaluates every child even when the left is false', () => {
  const d = ev('false and sec', approve('dan'));
  assert.deepEqual([d.approved, d.approvers, d.description], [false, ['dan'], 'more approvals needed. checks-out: dan']);
});

test('§3.5 not keeps its child side effects: approvers reported while false', () => {
  const d = ev('not ops', approve('carol'));
  assert.deepEqual([d.approved, d.approvers], [false, ['carol']]);
  assert.equal(ev('not ops', []).approved, true);
});

test('§3.5 atleast evaluates every choice; zero choices is false', () => {
  const d = ev('atleast(1, ops, sec, eng[self=false])', approve('carol', 'dan', 'bob'));
  assert.deepEqual([d.approved, d.approvers], [true, ['bob', 'carol', 'dan']]);
  assert.equal(ev('atleast(2, ops, sec, eng[self=false])', approve('carol')).approved, false);
  assert.equal(ev('atleast(1)', approve('carol')).approved, false);
});

test('§3.5 repeated approvals by one person count once; self=false skips the author', () => {
  assert.equal(ev('all[count=2]', [...approve('bob', 'BOB', 'Bob')]).approved, false);
  assert.deepEqual(ev('all[count=2,self=false]', approve('alice', 'bob')).approvers, ['bob']);
  assert.deepEqual(ev('all[count=2,self=true]', approve('alice', 'bob')).approvers, ['alice', 'bob']);
});

test('§3.5 entities: a group name wins over a login; anonymous groups union; lower-cased', () => {
  assert.equal(ev('OPS', approve('carol')).approved, true);
  assert.equal(ev('{ops, dan}[count=2]', approve('carol', 'dan')).approved, true);
  assert.equal(ev('mallory', approve('Mallory')).approved, true, 'a login outside the snapshot still matches itself');
});

test('§3.5 universe: anyone, reviews included', () => {
  const d = ev('universe[count=2]', [r('stranger', 'APPROVED'), c('other', 'I approve')]);
  assert.deepEqual(d.approvers, ['other', 'stranger']);
});

const withPolicy = (policy: string, approval: FeedbackItem[], author = 'alice') =>
  evaluatePullRequest({ config: cfg(`approvals:[${policy}]`), snapshot: people, pr: pr(author), lists: { approval } });

test('§3.6 authormatch runs on the single synthetic author item', () => {
  assert.equal(withPolicy('{authormatch: "eng"}', approve('bob')).validAuthor, true);
  assert.equal(withPolicy('{authormatch: "ops"}', approve('bob')).validAuthor, false);
  assert.equal(withPolicy('{authormatch: "not ops"}', approve('bob')).validAuthor, true);
  assert.equal(withPolicy('{authormatch: "universe[count=1,self=false]"}', approve('bob')).validAuthor, false);
  assert.equal(withPolicy('{authormatch: "all[count=2]"}', approve('bob')).validAuthor, false);
  // Feedback does not matter for the author check.
  assert.equal(withPolicy('{authormatch: "ops"}', approve('carol'), 'mallory').description, 'pull request author not allowed');
});

test('§3.6 an antimatch using author() blocks on the author alone, with no disapprovers', () => {
  const d = withPolicy('{antimatch: "author(eng)"}', approve('bob'));
  assert.deepEqual([d.approved, d.disapprovers, d.approvers, d.description], [false, [], [], 'no approvals received']);
});
