import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherFeedback, isUiMerge, referenceCommit, type GatherInput } from '../../../src/policy/approval/feedback.js';
import { comment, review } from './_helpers.js';
import type { CommitInfo } from '../../../src/policy/types.js';

const head: CommitInfo = { sha: 'h', author: 'alice', committer: 'Alice', parents: 1, committedAt: 1000 };
const base = (over: Partial<GatherInput>): GatherInput => ({
  feedback: [], commits: [head], types: ['comment', 'review'], range: 'head', antirange: 'head', ignoreUiMerge: true, ...over,
});

test('head range uses the push time, falls back to the committer date, and records which', () => {
  const feedback = [comment('a', 'I approve', 1200), review('b', 'APPROVED', 1600), comment('c', 'I approve', 900)];
  const pushed = gatherFeedback(base({ feedback, headPushedAt: 1500 }));
  assert.deepEqual(pushed.approval.map((f) => f.author), ['b']);
  assert.equal(pushed.cutoff.source, 'push');
  assert.equal(pushed.records.find((r) => r.item.author === 'a')?.approvalExclusion, 'before-last-push');
  const fallback = gatherFeedback(base({ feedback }));
  assert.equal(fallback.cutoff.source, 'committer-date');
  assert.deepEqual(fallback.approval.map((f) => f.author), ['a', 'b']);
  const byMap = gatherFeedback(base({ feedback, pushTimes: new Map([['h', 1700]]) }));
  assert.deepEqual(byMap.approval, []);
});

test('reviews must be strictly after the cutoff; comments revived by an edit count', () => {
  const g = gatherFeedback(base({ feedback: [review('r', 'approved', 1000), comment('e', 'I approve', 500, 1100), comment('x', 'I approve', 1000)] }));
  assert.deepEqual(g.approval.map((f) => f.author), ['x', 'e']);
  assert.equal(g.records.find((r) => r.item.author === 'e')?.revivedByEdit, true);
});

test('comments and reviews sorted together by real time; comments first on ties', () => {
  const g = gatherFeedback(base({ range: 'all', antirange: 'all', feedback: [review('r1', 'approved', 5), comment('c2', 'x', 7), comment('c1', 'x', 5), review('r0', 'approved', 1)] }));
  assert.deepEqual(g.approval.map((f) => f.author), ['r0', 'c1', 'r1', 'c2']);
  assert.equal(g.cutoff.source, 'none');
});

test('disabled types, service messages and dismissed reviews are excluded with a reason', () => {
  const g = gatherFeedback(base({
    range: 'all', antirange: 'all', types: ['comment'],
    feedback: [review('r', 'approved', 1), comment('s', 'Message from checks-out -- hello', 2), comment('ok', 'I approve', 3)],
  }));
  assert.deepEqual(g.approval.map((f) => f.author), ['ok']);
  assert.deepEqual(g.records.map((r) => r.approvalExclusion), ['feedback-type-disabled', 'service-message', undefined]);
  const d = gatherFeedback(base({ range: 'all', antirange: 'all', feedback: [review('r', 'DISMISSED', 1)] }));
  assert.equal(d.records[0].approvalExclusion, 'dismissed');
  const branded = gatherFeedback(base({ range: 'all', antirange: 'all', brandingShort: 'acme', feedback: [comment('s', 'Message from acme -- x', 1)] }));
  assert.deepEqual(branded.approval, []);
});

test('different range and antirange give different lists', () => {
  const g = gatherFeedback(base({ range: 'head', antirange: 'all', feedback: [comment('old', 'NO', 10), comment('new', 'I approve', 2000)] }));
  assert.deepEqual(g.approval.map((f) => f.author), ['new']);
  assert.deepEqual(g.disapproval.map((f) => f.author), ['old', 'new']);
});

test('missing timestamps in head mode do not count; hostile input does not crash', () => {
  const g = gatherFeedback(base({ feedback: [comment('a', 'I approve'), review('b', 'approved')] }));
  assert.deepEqual(g.approval, []);
  assert.deepEqual(g.records.map((r) => r.approvalExclusion), ['no-timestamp', 'no-timestamp']);
  const none = gatherFeedback(base({ commits: [], feedback: [comment('a', 'I approve')] }));
  assert.equal(none.cutoff.source, 'none');
  assert.equal(none.approval.length, 1);
});

test('UI merges are skipped back to the PR commit', () => {
  const c1: CommitInfo = { sha: 'c1', author: 'alice', committer: 'Alice', parents: 1, committedAt: 100 };
  const m1: CommitInfo = { sha: 'm1', author: 'alice', committer: 'GitHub', parents: 2, parentShas: ['c1', 'b1'], committedAt: 300 };
  const m2: CommitInfo = { sha: 'm2', author: 'alice', committer: 'GitHub Enterprise', parents: 2, parentShas: ['m1', 'b2'], committedAt: 500 };
  assert.ok(isUiMerge(m1) && isUiMerge(m2) && !isUiMerge(c1));
  const baseShas = new Set(['b1', 'b2']);
  const r = referenceCommit([c1, m1, m2], true, baseShas);
  assert.equal(r.commit?.sha, 'c1');
  assert.deepEqual(r.skipped, ['m2', 'm1']);
  assert.equal(referenceCommit([c1, m1, m2], false, baseShas).commit?.sha, 'm2');
  // Both parents on the base, or neither: stop.
  assert.equal(referenceCommit([c1, m1], true, new Set(['c1', 'b1'])).commit?.sha, 'm1');
  assert.equal(referenceCommit([c1, m1], true, new Set()).commit?.sha, 'm1');
  const g = gatherFeedback(base({ commits: [c1, m1, m2], baseShas, feedback: [comment('a', 'I approve', 200)] }));
  assert.equal(g.cutoff.sha, 'c1');
  assert.equal(g.approval.length, 1);
  // A cycle in hostile data terminates.
  const loop: CommitInfo = { sha: 'l', author: '', committer: 'GitHub', parents: 2, parentShas: ['l', 'b1'] };
  assert.equal(referenceCommit([loop], true, baseShas).commit?.sha, 'l');
});
