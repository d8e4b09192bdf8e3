/** Spec §6.5 (final approval info, current-comment classification) and the §7.1 decision table, end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePullRequest, type EvaluateInput } from '../../../src/policy/index.js';
import { cfg, snap, c, r, pr, commit } from './_helpers.js';

const people = snap(['alice', 'bob', 'carol', 'dan'], { security: ['carol', 'dan'] });
const base = (config: string, approval: EvaluateInput['feedback'], extra: Partial<EvaluateInput> = {}) =>
  evaluatePullRequest({ config: cfg(config), snapshot: people, pr: pr('alice'), lists: { approval: approval ?? [] }, commits: [commit('alice')], ...extra });

test('§7.1 approved with approvers: success, sorted, comma without space', () => {
  const d = base('approvals:[{match: "all[count=2]"}]', [c('dan', 'I approve'), c('bob', 'I approve')]);
  assert.deepEqual([d.approved, d.state, d.description], [true, 'success', 'approved by bob,dan']);
});

test('§7.1 approved without approvers', () => {
  const d = base('approvals:[{match: "true"}]', []);
  assert.deepEqual([d.state, d.description, d.approvers], ['success', 'approval did not require approvers', []]);
});

test('§7.1 blocked by disapprovers (sorted), pending', () => {
  const d = base('approvals:[{antimatch: "all[count=1]"}]', [r('dan', 'CHANGES_REQUESTED'), r('carol', 'changes_requested'), c('bob', 'I approve')]);
  assert.deepEqual([d.approved, d.state, d.description], [false, 'pending', 'blocked by carol,dan']);
  // §3.6: match is not evaluated when blocked, so no approvers are reported.
  assert.deepEqual(d.approvers, []);
});

test('§7.1 more approvals needed, with BRANDING_SHORT_NAME', () => {
  const d = base('approvals:[{match: "all[count=3]"}]', [c('bob', 'I approve'), c('carol', 'I approve')]);
  assert.equal(d.description, 'more approvals needed. checks-out: bob,carol');
  const branded = base('approvals:[{match: "all[count=3]"}]', [c('bob', 'I approve')], { brandingShort: 'acme' });
  assert.equal(branded.description, 'more approvals needed. acme: bob');
});

test('§7.1 no approvals received', () => {
  const d = base('approvals:[{}]', [c('bob', 'nice work')]);
  assert.deepEqual([d.state, d.description], ['pending', 'no approvals received']);
});

test('§3.6 an antimatch above its threshold reports disapprovers but approves', () => {
  const d = base('approvals:[{antimatch: "all[count=2]"}]', [r('carol', 'CHANGES_REQUESTED'), c('bob', 'I approve')]);
  assert.equal(d.approved, true);
  assert.deepEqual(d.disapprovers, ['carol']);
  assert.equal(d.description, 'approved by bob');
});

test('§3.5 a later approval by the same person withdraws their disapproval; a later disapproval blocks', () => {
  const withdrawn = base('approvals:[{}]', [r('carol', 'CHANGES_REQUESTED'), r('carol', 'APPROVED')]);
  assert.deepEqual([withdrawn.approved, withdrawn.disapprovers, withdrawn.approvers], [true, [], ['carol']]);
  const blocking = base('approvals:[{}]', [r('carol', 'APPROVED'), r('carol', 'CHANGES_REQUESTED')]);
  assert.deepEqual([blocking.approved, blocking.description], [false, 'blocked by carol']);
});

test('§6.3 an item that is both approval and disapproval is ignored by antimatch', () => {
  const d = base('approvals:[{}], antipattern: "(?i)approve"', [c('carol', 'I approve')]);
  assert.deepEqual([d.approved, d.disapprovers], [true, []]);
});

test('§6.5/§7.1 audit not OK: not approved, error row, cur comment pr_audit', () => {
  const d = base('approvals:[{}]', [c('bob', 'I approve')], { auditOk: false });
  assert.deepEqual([d.approved, d.auditOk, d.state, d.description], [false, false, 'error', 'audit chain must be manually approved']);
  assert.deepEqual(d.curComment, { status: 'pr_audit', author: '' });
});

test('§6.5/§7.1 title blocked: error row, author not evaluated, cur comment pr_title', () => {
  const d = base('approvals:[{}], antititle: "^WIP"', [c('bob', 'I approve')], { pr: pr('alice', 'WIP: stuff') });
  assert.deepEqual([d.approved, d.validTitle, d.validAuthor], [false, false, false]);
  assert.deepEqual([d.state, d.description], ['error', 'pull request title is blocking merge']);
  assert.deepEqual(d.curComment, { status: 'pr_title', author: '' });
});

test('§3.6 a policy antititle replaces the top-level one', () => {
  const d = base('approvals:[{antititle: "^DNM"}], antititle: "^WIP"', [c('bob', 'I approve')], { pr: pr('alice', 'WIP: stuff') });
  assert.equal(d.approved, true);
});

test('§6.5/§7.1 author not allowed: error row, cur comment pr_author', () => {
  const d = base('approvals:[{authormatch: "security"}]', [c('bob', 'I approve')]);
  assert.deepEqual([d.validTitle, d.validAuthor, d.state, d.description], [true, false, 'error', 'pull request author not allowed']);
  assert.deepEqual(d.curComment, { status: 'pr_author', author: '' });
});

test('§6.5 cur comment: the last item an approval → approval by that login', () => {
  const d = base('approvals:[{match: "all[count=2]"}]', [c('bob', 'I approve'), c('Carol', 'I approve')]);
  assert.deepEqual(d.curComment, { status: 'approval', author: 'carol' });
});

test('§6.5 cur comment: the last item a disapproval → disapproval by that login', () => {
  const d = base('approvals:[{}]', [c('bob', 'I approve'), r('dan', 'CHANGES_REQUESTED')]);
  assert.deepEqual(d.curComment, { status: 'disapproval', author: 'dan' });
});

test('§6.5 cur comment: a non-blocking disapproval is still reported as disapproval', () => {
  const d = base('approvals:[{antimatch: "all[count=2]"}]', [c('bob', 'I approve'), r('dan', 'CHANGES_REQUESTED')]);
  assert.deepEqual(d.curComment, { status: 'disapproval', author: 'dan' });
});

test('§6.5 cur comment: plain chatter, a non-maintainer approval, or nothing → no_change', () => {
  assert.deepEqual(base('approvals:[{}]', [c('bob', 'I approve'), c('dan', 'thanks')]).curComment, { status: 'no_change', author: '' });
  assert.deepEqual(base('approvals:[{}]', [c('mallory', 'I approve')]).curComment, { status: 'no_change', author: '' });
  assert.deepEqual(base('approvals:[{}]', []).curComment, { status: 'no_change', author: '' });
});

test('§6.5 cur comment: the last approval item and the last disapproval item of separate lists', () => {
  // The disapproval list ends with dan's old request for changes: the lookback re-run is blocked by it.
  const d = evaluatePullRequest({
    config: cfg('approvals:[{}]'),
    snapshot: people,
    pr: pr('alice'),
    lists: { approval: [c('bob', 'I approve')], disapproval: [r('dan', 'CHANGES_REQUESTED')] },
  });
  assert.deepEqual(d.curComment, { status: 'disapproval', author: 'dan' });
  // Empty disapproval list: no lookback at all.
  const e = evaluatePullRequest({ config: cfg('approvals:[{}]'), snapshot: people, pr: pr('alice'), lists: { approval: [c('bob', 'I approve')], disapproval: [] } });
  assert.deepEqual(e.curComment, { status: 'no_change', author: '' });
});

test('§6.5 approved = decision && audit && affirmed (audit row comes after the affirmation row)', () => {
  const d = base('approvals:[{match: "all[count=1,self=false]"}]', [c('bob', 'I approve')], { auditOk: false, commits: [commit('alice'), commit('bob')] });
  assert.equal(d.approved, false);
  assert.equal(d.description, 'non-committer or PR author must approve');
});
