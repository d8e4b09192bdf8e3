import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decidePolicy, countedApprovalItems, approverSet, disapproverSet } from '../../../src/policy/approval/decide.js';
import { approvalInfo } from '../../../src/policy/approval/info.js';
import { config, snapshot, comment, review } from './_helpers.js';
import type { FeedbackItem } from '../../../src/policy/types.js';

const snap = snapshot(['alice', 'bob', 'carol', 'dan'], { guelph: ['alice', 'bob'], ghibelline: ['carol', 'dan'] });

function decide(cfgText: string, items: FeedbackItem[], author = 'alice', title = 'x', dis?: FeedbackItem[]) {
  const cfg = config(cfgText);
  return decidePolicy({ config: cfg, policy: cfg.approvals[0], snapshot: snap, author, title, approval: items, disapproval: dis ?? items });
}

test('default policy: one maintainer approval', () => {
  const d = decide('approvals:[{}]', [comment('Bob', 'I approve'), comment('mallory', 'I approve')]);
  assert.equal(d.approved, true);
  assert.deepEqual(d.approvers, ['bob']);
  assert.equal(d.validTitle && d.validAuthor, true);
  assert.equal(d.blockedBy, undefined);
});

test('title blocks before anything else', () => {
  const d = decide('approvals:[{}]\nantititle: "^WIP"', [comment('bob', 'I approve')], 'alice', 'WIP: x');
  assert.deepEqual([d.approved, d.validTitle, d.validAuthor, d.blockedBy], [false, false, false, 'title']);
  assert.equal(d.authorEval, undefined);
  // A policy antititle overrides the top-level one.
  const p = decide('approvals:[{antititle: "^DRAFT"}]\nantititle: "^WIP"', [comment('bob', 'I approve')], 'alice', 'WIP: x');
  assert.equal(p.approved, true);
});

test('author check', () => {
  const d = decide('approvals:[{authormatch: "guelph[count=1,self=true]"}]', [comment('bob', 'I approve')], 'carol');
  assert.deepEqual([d.approved, d.validTitle, d.validAuthor, d.blockedBy], [false, true, false, 'author']);
});

test('a disapproval blocks and match is not evaluated', () => {
  const d = decide('approvals:[{}]', [comment('bob', 'I approve'), review('carol', 'CHANGES_REQUESTED')]);
  assert.equal(d.approved, false);
  assert.equal(d.blockedBy, 'disapproval');
  assert.deepEqual(d.disapprovers, ['carol']);
  assert.deepEqual(d.approvers, []);
  assert.equal(d.matchEval, undefined);
});

test('a later approval withdraws a disapproval; an approval then a disapproval blocks', () => {
  const withdrawn = decide('approvals:[{}]', [review('carol', 'changes_requested'), review('carol', 'approved')]);
  assert.deepEqual([withdrawn.approved, withdrawn.disapprovers, withdrawn.approvers], [true, [], ['carol']]);
  const blocked = decide('approvals:[{}]', [review('carol', 'approved'), review('carol', 'changes_requested')]);
  assert.equal(blocked.approved, false);
});

test('antipattern: comment disapprovals; both patterns matching is ignored', () => {
  const d = decide('approvals:[{}]\nantipattern: "(?i)nope"', [comment('carol', 'nope')]);
  assert.deepEqual(d.disapprovers, ['carol']);
  const both = decide('approvals:[{}]\nantipattern: "(?i)approve"', [comment('carol', 'I approve')]);
  assert.deepEqual(both.disapprovers, []);
  assert.equal(both.approved, true);
  const none = decide('approvals:[{}]', [comment('carol', 'nope')]);
  assert.deepEqual(none.disapprovers, []);
});

test('policy pattern overrides the top-level pattern; reviews ignore patterns', () => {
  const d = decide('approvals:[{pattern: "(?i)^lgtm"}]', [comment('bob', 'I approve'), comment('dan', 'LGTM!')]);
  assert.deepEqual(d.approvers, ['dan']);
  const r = decide('approvals:[{pattern: "(?i)^lgtm"}]', [{ type: 'review', author: 'bob', body: 'lgtm', state: 'commented' }]);
  assert.equal(r.approved, false);
});

test('counted approval items are those with an Approval event, once each, in order', () => {
  const items = [comment('bob', 'I approve version: 1.0'), comment('bob', 'I approve'), comment('carol', 'I approve')];
  const cfg = config('approvals:[{match: "all[count=2,self=true] and guelph[count=1,self=true]"}]');
  const d = decidePolicy({ config: cfg, policy: cfg.approvals[0], snapshot: snap, author: 'alice', title: '', approval: items, disapproval: items });
  assert.deepEqual(countedApprovalItems(d, items), [items[0], items[2]]);
  assert.deepEqual(approverSet(d.approvalEvents), ['bob', 'carol']);
  assert.deepEqual(disapproverSet([{ type: 'DisapprovalInsert', login: 'x', index: 0 }, { type: 'DisapprovalRemove', login: 'x', index: 1 }]), []);
});

test('approval info: audit, affirmation and current comment', () => {
  const cfg = config('approvals:[{}]');
  const common = { config: cfg, policy: cfg.approvals[0], snapshot: snap, author: 'alice', title: 't', authorAffirm: true };
  const items = [comment('bob', 'I approve')];
  const ok = approvalInfo({ ...common, approval: items, disapproval: items, commits: [{ author: 'alice', committer: 'A', parents: 1 }], auditOk: true });
  assert.equal(ok.approved, true);
  assert.deepEqual(ok.curComment, { status: 'approval', author: 'bob' });
  const audit = approvalInfo({ ...common, approval: items, disapproval: items, commits: [], auditOk: false });
  assert.equal(audit.approved, false);
  assert.deepEqual(audit.curComment, { status: 'pr_audit', author: '' });

  // bob wrote a commit: his approval does not affirm; alice's own approval does.
  const commits = [{ author: 'bob', committer: 'Bob', parents: 1 }, { author: '', committer: 'GitHub', parents: 2 }];
  const failed = approvalInfo({ ...common, approval: items, disapproval: items, commits, auditOk: true });
  assert.equal(failed.approved, false);
  assert.equal(failed.affirmation.rule, 'failed');
  assert.deepEqual(failed.affirmation.otherCommitAuthors, ['bob']);
  const byAuthor = [comment('bob', 'I approve'), comment('alice', 'I approve')];
  assert.equal(approvalInfo({ ...common, approval: byAuthor, disapproval: byAuthor, commits, auditOk: true }).affirmation.rule, 'author-approved');
  const byOther = [comment('bob', 'I approve'), comment('carol', 'I approve')];
  const other = approvalInfo({ ...common, approval: byOther, disapproval: byOther, commits, auditOk: true });
  assert.equal(other.affirmation.rule, 'non-committers-approved');
  assert.deepEqual(other.approvers, ['carol']);
  // An unlinked commit author ("") also needs affirmation; disabled affirmation never blocks.
  const unlinked = [{ author: '', committer: 'Someone', parents: 1 }];
  assert.equal(approvalInfo({ ...common, approval: items, disapproval: items, commits: unlinked, auditOk: true }).affirmation.affirmed, true);
  assert.equal(approvalInfo({ ...common, authorAffirm: false, approval: items, disapproval: items, commits, auditOk: true }).approved, true);
});

test('current comment: disapproval, title, author, no change', () => {
  const cfg = config('approvals:[{authormatch: "guelph[count=1,self=true]"}]\nantititle: "^WIP"');
  const common = { config: cfg, policy: cfg.approvals[0], snapshot: snap, authorAffirm: true, commits: [], auditOk: true };
  const items = [comment('bob', 'I approve'), review('dan', 'changes_requested')];
  assert.deepEqual(approvalInfo({ ...common, author: 'alice', title: 'x', approval: items, disapproval: items }).curComment, { status: 'disapproval', author: 'dan' });
  assert.deepEqual(approvalInfo({ ...common, author: 'alice', title: 'WIP', approval: items, disapproval: items }).curComment.status, 'pr_title');
  assert.deepEqual(approvalInfo({ ...common, author: 'carol', title: 'x', approval: items, disapproval: items }).curComment.status, 'pr_author');
  assert.deepEqual(approvalInfo({ ...common, author: 'alice', title: 'x', approval: [], disapproval: [] }).curComment, { status: 'no_change', author: '' });
  const chat = [comment('bob', 'hello')];
  assert.deepEqual(approvalInfo({ ...common, author: 'alice', title: 'x', approval: chat, disapproval: chat }).curComment.status, 'no_change');
});
