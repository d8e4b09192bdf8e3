/**
 * Spec §6.1–6.3 with our fixes: real push-time cutoff, chronological order of comments and reviews,
 * service-prefix messages dropped, feedback types, dismissed reviews, and the UI-merge walk (`ignoreuimerge`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePullRequest, gatherFeedback, type EvaluateInput } from '../../../src/policy/index.js';
import type { FeedbackItem } from '../../../src/policy/types.js';
import { cfg, snap, c, r, pr, commit, uiMerge } from './_helpers.js';

const people = snap(['alice', 'bob', 'carol', 'dan']);
const head = commit('alice', { sha: 'h1', committedAt: 1000 });
const ev = (config: string, feedback: FeedbackItem[], extra: Partial<EvaluateInput> = {}) =>
  evaluatePullRequest({ config: cfg(config), snapshot: people, pr: pr('alice'), feedback, commits: [head], ...extra });
const who = (items: FeedbackItem[]) => items.map((f) => `${f.type}:${f.author}`);

test('§6.2 head range: the push time is the cutoff when known (committer date only as fallback)', () => {
  const feedback = [c('bob', 'I approve', 1500), c('carol', 'I approve', 2500)];
  const pushed = ev('approvals:[{match: "all[count=2]"}]', feedback, { headPushedAt: 2000 });
  assert.deepEqual(pushed.approvers, ['carol']);
  assert.equal(pushed.explanation?.cutoff?.source, 'push');
  const bySha = ev('approvals:[{match: "all[count=2]"}]', feedback, { pushTimes: new Map([['h1', 2000]]) });
  assert.deepEqual(bySha.approvers, ['carol']);
  const fallback = ev('approvals:[{match: "all[count=2]"}]', feedback);
  assert.deepEqual(fallback.approvers, ['bob', 'carol']);
  assert.deepEqual([fallback.explanation?.cutoff?.source, fallback.explanation?.cutoff?.at], ['committer-date', 1000]);
});

test('§6.2 comments count from T inclusive (updated_at ≥ T), reviews only strictly after T', () => {
  const d = ev('approvals:[{match: "all[count=3]"}]', [c('bob', 'I approve', 2000), r('carol', 'APPROVED', 2000), r('dan', 'APPROVED', 2001)], { headPushedAt: 2000 });
  assert.deepEqual(d.approvers, ['bob', 'dan']);
});

test('§6.2 an old comment edited after the push counts again (GitHub since= filter)', () => {
  const d = ev('approvals:[{}]', [c('bob', 'I approve', 500, 2500)], { headPushedAt: 2000 });
  assert.deepEqual(d.approvers, ['bob']);
  const notEdited = ev('approvals:[{}]', [c('bob', 'I approve', 500, 600)], { headPushedAt: 2000 });
  assert.deepEqual(notEdited.approvers, []);
});

test('§6.1 range all ignores the cutoff; antirange all keeps old disapprovals while approvals reset', () => {
  const feedback = [r('carol', 'CHANGES_REQUESTED', 500), c('bob', 'I approve', 600), c('dan', 'I approve', 2500)];
  const all = ev('approvals:[{}], commit: {range: "all", antirange: "all"}', feedback, { headPushedAt: 2000 });
  assert.equal(all.description, 'blocked by carol');
  const headOnly = ev('approvals:[{}]', feedback, { headPushedAt: 2000 });
  assert.deepEqual([headOnly.approved, headOnly.approvers], [true, ['dan']]);
  const mixed = ev('approvals:[{}], commit: {antirange: "all"}', feedback, { headPushedAt: 2000 });
  assert.equal(mixed.description, 'blocked by carol');
  assert.deepEqual(who(mixed.approvalList), ['comment:dan']);
  assert.deepEqual(who(mixed.disapprovalList), ['review:carol', 'comment:bob', 'comment:dan']);
});

test('§6.2/§19.4 head range: comments and reviews are ordered by real time, not comments first', () => {
  // carol requests changes, then approves by comment: the approval withdraws the disapproval.
  const feedback = [c('carol', 'I approve', 3000), r('carol', 'CHANGES_REQUESTED', 2500)];
  const d = ev('approvals:[{}]', feedback, { headPushedAt: 2000 });
  assert.deepEqual(who(d.approvalList), ['review:carol', 'comment:carol']);
  assert.deepEqual([d.approved, d.disapprovers, d.approvers], [true, [], ['carol']]);
  // The reverse order blocks.
  const e = ev('approvals:[{}]', [c('carol', 'I approve', 2500), r('carol', 'CHANGES_REQUESTED', 3000)], { headPushedAt: 2000 });
  assert.equal(e.description, 'blocked by carol');
});

test('§6.1 stable sort: comments before reviews on equal timestamps, then input order', () => {
  const g = gatherFeedback({
    feedback: [r('a', 'APPROVED', 10), c('b', 'x', 10), c('c', 'x', 5), r('d', 'APPROVED', 10), c('e', 'x', 10)],
    commits: [],
    types: ['comment', 'review'],
    range: 'all',
    antirange: 'all',
    ignoreUiMerge: true,
  });
  assert.deepEqual(g.approval.map((f) => f.author), ['c', 'b', 'e', 'a', 'd']);
});

test('§6.1 service messages are dropped (comments and reviews), with the configured short name', () => {
  const config = 'approvals:[{}], pattern: "approve"';
  const d = ev(config, [c('bob', 'Message from checks-out -- approve', 2500), r('carol', 'APPROVED', 2600, 'Message from checks-out -- hi')], { headPushedAt: 2000 });
  assert.deepEqual(d.approvalList, []);
  const branded = ev(config, [c('bob', 'Message from checks-out -- approve', 2500), c('dan', 'Message from acme -- approve', 2500)], { headPushedAt: 2000, brandingShort: 'acme' });
  assert.deepEqual(branded.approvers, ['bob']);
  // Only a prefix counts.
  const inner = ev(config, [c('bob', 'I approve. Message from checks-out -- approve', 2500)], { headPushedAt: 2000 });
  assert.deepEqual(inner.approvers, ['bob']);
});

test('§6.1 feedback.types: top level, and a policy override', () => {
  const feedback = [c('bob', 'I approve', 2500), r('carol', 'APPROVED', 2600)];
  assert.deepEqual(ev('approvals:[{match: "all[count=2]"}], feedback: {types: ["review"]}', feedback, { headPushedAt: 2000 }).approvers, ['carol']);
  assert.deepEqual(ev('approvals:[{match: "all[count=2]", feedback: {types: ["comment"]}}]', feedback, { headPushedAt: 2000 }).approvers, ['bob']);
});

test('§6.3 review states: approved / changes_requested count (any case); commented, dismissed, pending do not', () => {
  const d = ev('approvals:[{match: "all[count=4]"}], commit: {range: "all"}', [
    r('bob', 'approved'),
    r('carol', 'COMMENTED'),
    r('dan', 'DISMISSED'),
    r('alice', 'PENDING'),
  ]);
  assert.deepEqual([d.approvers, d.disapprovers], [['bob'], []]);
  const dismissed = ev('approvals:[{}], commit: {range: "all"}', [r('carol', 'DISMISSED')]);
  assert.deepEqual([dismissed.approved, dismissed.disapprovers], [false, []]);
});

test('§6.3 default pattern: anchored and case-insensitive', () => {
  const bodies = ['I approved', 'i APPROVE!', '  I approve', 'Well, I approve'];
  const res = bodies.map((b) => ev('approvals:[{}], commit: {range: "all"}', [c('bob', b)]).approved);
  assert.deepEqual(res, [true, true, false, false]);
});

test('§6.3 a policy pattern replaces the top-level one', () => {
  const d = ev('approvals:[{pattern: "(?i)^lgtm"}], commit: {range: "all"}', [c('bob', 'I approve'), c('carol', 'LGTM')]);
  assert.deepEqual(d.approvers, ['carol']);
});

// ---- UI-merge walk (§6.2) ---------------------------------------------------------------------------

const a1 = commit('alice', { sha: 'a1', committedAt: 1000 });
const m1 = uiMerge({ sha: 'm1', parentShas: ['a1', 'b1'], committedAt: 5000 });
const m2 = uiMerge({ sha: 'm2', parentShas: ['b2', 'm1'], committedAt: 7000, committer: 'GitHub Enterprise' });

test('§6.2 ignoreuimerge (default true): the cutoff is the commit before the UI merge', () => {
  const d = ev('approvals:[{}]', [c('bob', 'I approve', 2000)], { commits: [a1, m1], baseShas: new Set(['b1']) });
  assert.deepEqual(d.approvers, ['bob']);
  assert.deepEqual(d.explanation?.cutoff?.skippedUiMerges, ['m1']);
  assert.equal(d.explanation?.cutoff?.sha, 'a1');
});

test('§6.2 chained UI merges are all walked over', () => {
  const d = ev('approvals:[{}]', [c('bob', 'I approve', 2000)], { commits: [a1, m1, m2], baseShas: new Set(['b1', 'b2']) });
  assert.deepEqual(d.approvers, ['bob']);
  assert.deepEqual(d.explanation?.cutoff?.skippedUiMerges, ['m2', 'm1']);
});

test('§6.2 the push time of the reference commit, not of the UI merge, is the cutoff', () => {
  const d = ev('approvals:[{}]', [c('bob', 'I approve', 2000)], {
    commits: [a1, m1],
    baseShas: new Set(['b1']),
    pushTimes: new Map([['a1', 1500], ['m1', 6000]]),
    headPushedAt: 6000,
  });
  assert.deepEqual(d.approvers, ['bob']);
  assert.deepEqual([d.explanation?.cutoff?.source, d.explanation?.cutoff?.at], ['push', 1500]);
});

test('§6.2 ignoreuimerge false: the UI merge resets approvals', () => {
  const d = ev('approvals:[{}], commit: {ignoreuimerge: false}', [c('bob', 'I approve', 2000)], { commits: [a1, m1], baseShas: new Set(['b1']) });
  assert.deepEqual(d.approvers, []);
});

test('§6.2 the walk stops when both or neither parent is a base commit', () => {
  for (const baseShas of [new Set(['a1', 'b1']), new Set<string>()]) {
    const d = ev('approvals:[{}]', [c('bob', 'I approve', 2000)], { commits: [a1, m1], baseShas });
    assert.deepEqual(d.approvers, [], [...baseShas].join());
  }
});

test('§6.2 a 2-parent merge committed by a person is not a UI merge', () => {
  const local = { ...m1, committer: 'Alice' };
  const d = ev('approvals:[{}]', [c('bob', 'I approve', 2000)], { commits: [a1, local], baseShas: new Set(['b1']) });
  assert.deepEqual(d.approvers, []);
});

test('§6.2 hostile commit graphs: a merge whose parent is itself, or a cycle, terminates', () => {
  const self = uiMerge({ sha: 'x', parentShas: ['x', 'b1'], committedAt: 5000 });
  const p = uiMerge({ sha: 'p', parentShas: ['q', 'b1'], committedAt: 5000 });
  const q = uiMerge({ sha: 'q', parentShas: ['p', 'b1'], committedAt: 4000 });
  for (const commits of [[self], [q, p]]) {
    const d = ev('approvals:[{}]', [c('bob', 'I approve', 2000)], { commits, baseShas: new Set(['b1']) });
    assert.equal(typeof d.approved, 'boolean');
  }
});

// Our reading (documented in feedback.ts): a comment made before the push that counts only because it was
// edited after it takes its place in the timeline at the edit, the moment it became current feedback. So
// carol's edited approval (3000) comes after her changes request (2500) and withdraws it.
test('§6.1 a comment revived by an edit is ordered at its edit time', () => {
  const d = ev('approvals:[{}]', [c('carol', 'I approve', 500, 3000), r('carol', 'CHANGES_REQUESTED', 2500)], { headPushedAt: 2000 });
  assert.deepEqual(who(d.approvalList), ['review:carol', 'comment:carol']);
  assert.equal(d.description, 'approved by carol');
});

test('§6.1 only the top-level commit section is used: a policy-level commit key is ignored', () => {
  const d = ev('approvals:[{commit: {range: "all"}}]', [c('bob', 'I approve', 500)], { headPushedAt: 2000 });
  assert.deepEqual(d.approvers, []);
});

test('§6.1 range all with antirange head: approvals persist, disapprovals reset on push', () => {
  const d = ev('approvals:[{}], commit: {range: "all", antirange: "head"}', [r('carol', 'CHANGES_REQUESTED', 500), c('bob', 'I approve', 600)], { headPushedAt: 2000 });
  assert.deepEqual([d.approved, d.approvers, d.disapprovers], [true, ['bob'], []]);
});

test('§6.4/§6.5 affirmation and the lookback scale to a large feedback list', () => {
  const many: FeedbackItem[] = [];
  for (let i = 0; i < 20_000; i++) many.push(c(i % 2 ? 'bob' : 'carol', i % 5 ? 'chatter' : 'I approve', 3000 + i));
  many.push(r('dan', 'CHANGES_REQUESTED', 99_999));
  const d = ev('approvals:[{match: "all[count=2,self=false]", antimatch: "all[count=2]"}]', many, {
    headPushedAt: 2000,
    commits: [commit('alice'), commit('bob', { sha: 'h1', committedAt: 1000 })],
  });
  // bob wrote a commit: without his approvals only carol remains → not affirmed.
  assert.deepEqual([d.approved, d.description], [false, 'non-committer or PR author must approve']);
  assert.deepEqual(d.curComment, { status: 'disapproval', author: 'dan' });
});
