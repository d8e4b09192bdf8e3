import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FeedbackItem, Snapshot } from '../../../src/policy/types.js';
import {
  evaluateMatcher,
  parseMatcher,
  walkTrace,
  type EvaluationInput,
  type EvaluationResult,
  type TraceNode,
} from '../../../src/policy/dsl/index.js';

function snapshot(): Snapshot {
  const logins = ['alice', 'bob', 'carol', 'dave', 'erin'];
  const orgs = new Map<string, string[]>([
    ['security', ['alice', 'bob']],
    ['web', ['carol', 'dave']],
    ['ops', ['erin', 'zed']],
  ]);
  const personToOrgs = new Map<string, Set<string>>();
  for (const [g, members] of orgs) {
    for (const m of members) if (logins.includes(m)) personToOrgs.set(m, new Set([...(personToOrgs.get(m) ?? []), g]));
  }
  return { people: new Map(logins.map((l) => [l, { name: l, email: `${l}@x`, login: l }])), orgs, personToOrgs };
}

const SNAP = snapshot();
const approve = (author: string): FeedbackItem => ({ type: 'comment', author, body: 'I approve' });
const chat = (author: string): FeedbackItem => ({ type: 'comment', author, body: 'looks odd' });
const block = (author: string): FeedbackItem => ({ type: 'review', author, state: 'CHANGES_REQUESTED' });
const approveReview = (author: string): FeedbackItem => ({ type: 'review', author, state: 'APPROVED' });
const both = (author: string): FeedbackItem => ({ type: 'comment', author, body: 'I approve, I disapprove' });
const isApproval = (f: FeedbackItem): boolean => (f.type === 'comment' ? /^I approve/i.test(f.body ?? '') : f.state?.toLowerCase() === 'approved');
const isDisapproval = (f: FeedbackItem): boolean =>
  f.type === 'comment' ? /I disapprove/.test(f.body ?? '') : f.state?.toLowerCase() === 'changes_requested';

function run(expr: string, feedback: FeedbackItem[], extra: Partial<EvaluationInput> = {}): EvaluationResult {
  return evaluateMatcher(parseMatcher(expr), {
    snapshot: SNAP,
    author: 'Carol',
    feedback,
    action: 'approval',
    isApproval,
    isDisapproval,
    ...extra,
  });
}

const outcomes = (node: TraceNode): string[] => (node.leaf?.items ?? []).map((i) => `${i.index}:${i.login}:${i.outcome}`);
const approvers = (r: EvaluationResult): string[] => r.events.filter((e) => e.type === 'Approval').map((e) => e.login);

test('all: maintainers count once each; others are explained', () => {
  const r = run('all[count=2]', [approve('Alice'), approve('stranger'), chat('bob'), approve('ALICE'), approveReview('erin')]);
  assert.equal(r.holds, true);
  assert.deepEqual(approvers(r), ['alice', 'erin']);
  assert.deepEqual(outcomes(r.trace), ['0:alice:counted', '1:stranger:not-candidate', '2:bob:not-an-approval', '3:alice:duplicate', '4:erin:counted']);
  assert.deepEqual(r.trace.counted, [{ login: 'alice', index: 0 }, { login: 'erin', index: 4 }]);
  assert.equal(r.trace.needed, 0);
  assert.deepEqual(r.trace.leaf?.candidates, { kind: 'maintainers' });
  assert.equal(r.trace.text, 'all[count=2,self=true]');
  assert.deepEqual(r.trace.span, { start: 1, end: 13 });
});

test('a leaf that too few people could ever satisfy needs `null`', () => {
  assert.equal(run('web[count=2,self=false]', []).trace.needed, null);
  assert.equal(run('web[count=2]', []).trace.needed, 2);
  assert.equal(run('zed[count=2]', []).trace.needed, null);
  assert.equal(run('them[count=4]', []).trace.needed, null);
  assert.equal(run('them[count=3]', []).trace.needed, 3);
  assert.equal(run('universe[count=50]', []).trace.needed, 50);
  assert.equal(run('{security,zed}[count=3]', []).trace.needed, 3);
});

test('a leaf reports how many more it needs', () => {
  const r = run('security[count=2]', [approve('alice')]);
  assert.equal(r.holds, false);
  assert.equal(r.trace.needed, 1);
  assert.equal(r.trace.leaf?.required, 2);
  assert.deepEqual(r.trace.leaf?.candidates, { kind: 'group', name: 'security' });
});

test('universe accepts anyone who gave feedback', () => {
  const r = run('universe[count=2]', [approve('stranger'), approve('other')]);
  assert.equal(r.holds, true);
  assert.deepEqual(approvers(r), ['stranger', 'other']);
});

test('an entity is a group when one has that name, else a login', () => {
  assert.equal(run('security', [approve('bob')]).holds, true);
  assert.equal(run('security', [approve('carol')]).holds, false);
  const person = run('Zed', [approve('zed')]);
  assert.equal(person.holds, true);
  assert.deepEqual(person.trace.leaf?.candidates, { kind: 'person', login: 'zed' });
  // A group is not also a login: a user named like the group is not a member.
  assert.equal(run('ops', [approve('ops')]).holds, false);
});

test('anonymous groups resolve each member like an entity', () => {
  const r = run('{security, zed}[count=3]', [approve('alice'), approve('zed'), approve('erin'), approve('bob')]);
  assert.equal(r.holds, true);
  assert.deepEqual(approvers(r), ['alice', 'zed', 'bob']);
  assert.deepEqual(r.trace.leaf?.candidates, { kind: 'anonymous', members: ['security', 'zed'] });
  assert.equal(run('{}', [approve('alice')]).holds, false);
});

test('us and them are relative to the PR author', () => {
  const us = run('us', [approve('alice'), approve('dave')]);
  assert.deepEqual(approvers(us), ['dave']);
  assert.deepEqual(us.trace.leaf?.candidates, { kind: 'author-groups', groups: ['web'] });
  const them = run('them[count=3]', [approve('dave'), approve('alice'), approve('bob'), approve('erin'), approve('zed')]);
  assert.deepEqual(approvers(them), ['alice', 'bob', 'erin']);
  assert.equal(them.holds, true);
  // An author in no group: `us` is nobody, `them` every maintainer.
  assert.equal(run('us', [approve('dave')], { author: 'stranger' }).holds, false);
  assert.equal(run('them', [approve('dave')], { author: 'stranger' }).holds, true);
});

test('self=false ignores the PR author; self=true counts them', () => {
  const r = run('web[self=false]', [approve('CAROL'), approve('dave')]);
  assert.deepEqual(outcomes(r.trace), ['0:carol:self-disallowed', '1:dave:counted']);
  assert.equal(run('web[count=2,self=false]', [approve('carol'), approve('dave')]).holds, false);
  assert.equal(run('web[count=2]', [approve('carol'), approve('dave')]).holds, true);
});

test('issue-author: every closing-issue author other than the PR author must approve', () => {
  const closing = { closingIssueAuthors: ['Bob', 'carol', 'bob', 'zed'] };
  const partial = run('issue-author', [approve('bob')], closing);
  assert.equal(partial.holds, false);
  assert.equal(partial.trace.needed, 1);
  assert.deepEqual(partial.trace.leaf?.candidates, { kind: 'issue-authors', logins: ['bob', 'zed'] });
  assert.equal(run('issue-author', [approve('bob'), approve('zed')], closing).holds, true);
  assert.equal(run('issue-author', [approve('carol')], { closingIssueAuthors: ['carol'] }).holds, true);
  assert.equal(run('issue-author', []).holds, true);
});

test('constants', () => {
  assert.equal(run('true', []).holds, true);
  assert.equal(run('off', []).holds, true);
  const f = run('false', [approve('alice')]);
  assert.equal(f.holds, false);
  assert.equal(f.trace.needed, null);
});

test('and/or evaluate every child: events are emitted even when the result is already known', () => {
  const r = run('false and all', [approve('alice')]);
  assert.equal(r.holds, false);
  assert.deepEqual(approvers(r), ['alice']);
  const o = run('all or security', [approve('alice')]);
  assert.equal(o.holds, true);
  assert.deepEqual(approvers(o), ['alice', 'alice']);
  assert.equal(o.trace.children.length, 2);
  assert.ok(o.trace.children.every((c) => c.holds));
});

test('not negates but keeps its child events', () => {
  const r = run('not security', [approve('alice')]);
  assert.equal(r.holds, false);
  assert.deepEqual(approvers(r), ['alice']);
  assert.deepEqual(r.trace.counted, [{ login: 'alice', index: 0 }]);
  assert.equal(r.trace.needed, null);
  assert.equal(run('not security', []).holds, true);
});

test('atleast counts true choices; no choices is false', () => {
  const r = run('atleast(2, security, web[self=false], ops)', [approve('alice'), approve('erin')]);
  assert.equal(r.holds, true);
  assert.equal(r.trace.satisfied, 2);
  const miss = run('atleast(3, security, web[count=2], ops[count=2], all[count=3])', [approve('alice')]);
  assert.equal(miss.holds, false);
  assert.equal(miss.trace.needed, 4, 'the two cheapest failing choices need 2 each');
  assert.equal(run('atleast(1)', []).holds, false);
  assert.equal(run('atleast(1)', []).trace.needed, null);
  assert.equal(run('atleast(0)', []).holds, false);
  assert.equal(run('atleast(0, false)', []).holds, true);
});

test('and/or needed: sum over failing children / cheapest branch', () => {
  const a = run('security[count=2] and ops', [approve('alice')]);
  assert.equal(a.trace.needed, 2);
  const o = run('security[count=2] or ops[count=2]', [approve('alice')]);
  assert.equal(o.trace.needed, 1);
  assert.equal(run('false or security', []).trace.needed, 1);
  assert.equal(run('false and security', []).trace.needed, null);
});

test('author(): evaluated on the PR author alone, emitting nothing', () => {
  const fb = [approve('alice')];
  const yes = run('author(web)', fb);
  assert.equal(yes.holds, true);
  assert.deepEqual(yes.events, []);
  assert.equal(yes.trace.authorOnly, true);
  assert.deepEqual(outcomes(yes.trace.children[0]), ['-1:carol:counted']);
  assert.equal(run('author(security)', fb).holds, false);
  assert.equal(run('author(all[count=2])', fb).holds, false);
  assert.equal(run('author(web[self=false])', fb).holds, false);
  assert.equal(run('author(universe)', fb).holds, true);
  assert.equal(run('author(us)', fb).holds, true);
  assert.equal(run('author(us)', fb, { author: 'stranger' }).holds, false);
  // Events of the surrounding expression are unaffected.
  assert.deepEqual(approvers(run('author(web) and all', fb)), ['alice']);
});

test('disapproval: insert, later approval withdraws, disapproval after approval blocks', () => {
  const input = { action: 'disapproval' as const };
  const r = run('all', [block('alice'), approveReview('alice'), approve('bob'), block('bob'), both('erin'), block('erin'), block('erin'), chat('dave')], input);
  assert.deepEqual(
    r.events.map((e) => `${e.type}:${e.login}`),
    ['DisapprovalInsert:alice', 'DisapprovalRemove:alice', 'DisapprovalInsert:bob', 'DisapprovalInsert:erin'],
  );
  assert.deepEqual(outcomes(r.trace), [
    '0:alice:cancelled',
    '1:alice:withdrawal',
    '2:bob:not-a-disapproval',
    '3:bob:counted',
    '4:erin:ambiguous',
    '5:erin:counted',
    '6:erin:duplicate',
    '7:dave:not-a-disapproval',
  ]);
  assert.deepEqual(r.trace.counted.map((p) => p.login), ['bob', 'erin']);
  assert.equal(r.holds, true);
  const withdrawn = run('all', [block('alice'), approve('alice')], input);
  assert.equal(withdrawn.holds, false);
  assert.deepEqual(withdrawn.trace.counted, []);
});

test('author-limit: looks at the PR author only and emits ValidAuthor', () => {
  const r = run('web', [approve('alice')], { action: 'author-limit' });
  assert.equal(r.holds, true);
  assert.deepEqual(r.events, [{ type: 'ValidAuthor', login: 'carol' }]);
  const no = run('security', [approve('alice')], { action: 'author-limit' });
  assert.equal(no.holds, false);
  assert.deepEqual(no.events, []);
});

test('each classifier runs at most once per item, however many leaves look at it', () => {
  let calls = 0;
  const counting = (f: FeedbackItem): boolean => {
    calls++;
    return isApproval(f);
  };
  run('all and security and us and them and {a,b}', [approve('alice'), chat('bob'), approve('x')], { isApproval: counting });
  // `x` is nobody's candidate, so it is never classified.
  assert.equal(calls, 2);
});

test('explain: false keeps the summary but not the per-item records', () => {
  const r = run('all and security', [approve('alice'), chat('bob')], { explain: false });
  assert.equal(r.holds, true);
  for (const n of walkTrace(r.trace)) if (n.leaf) assert.deepEqual(n.leaf.items, []);
  assert.deepEqual(r.trace.counted, [{ login: 'alice', index: 0 }]);
});

test('trace mirrors the tree with canonical texts', () => {
  const r = run('(security and web) or not ops', [approve('alice'), approve('dave')]);
  assert.deepEqual(
    [...walkTrace(r.trace)].map((n) => [n.type, n.holds, n.text]),
    [
      ['or', true, '(security[count=1,self=true] and web[count=1,self=true]) or not ops[count=1,self=true]'],
      ['and', true, 'security[count=1,self=true] and web[count=1,self=true]'],
      ['entity', true, 'security[count=1,self=true]'],
      ['entity', true, 'web[count=1,self=true]'],
      ['not', true, 'not ops[count=1,self=true]'],
      ['entity', false, 'ops[count=1,self=true]'],
    ],
  );
});

test('hostile logins and group names are ordinary data', () => {
  const snap: Snapshot = {
    people: new Map([['__proto__', { name: 'p', email: '', login: '__proto__' }]]),
    orgs: new Map([['constructor', ['__proto__']]]),
    personToOrgs: new Map([['__proto__', new Set(['constructor'])]]),
  };
  const r = evaluateMatcher(parseMatcher('constructor and all and us and {toString}'), {
    snapshot: snap,
    author: 'x',
    feedback: [approve('__PROTO__'), approve('toString')],
    action: 'approval',
    isApproval,
  });
  assert.deepEqual(approvers(r), ['__proto__', '__proto__', 'tostring']);
  assert.equal(r.holds, false);
});

test('without classifiers nothing is an approval', () => {
  const r = evaluateMatcher(parseMatcher('all'), { snapshot: SNAP, author: 'x', feedback: [approve('alice')], action: 'approval' });
  assert.equal(r.holds, false);
  assert.deepEqual(outcomes(r.trace), ['0:alice:not-an-approval']);
});

test('an item without an author string is nobody, not a crash', () => {
  const bad = { type: 'comment', body: 'I approve' } as unknown as FeedbackItem;
  const r = run('universe[count=2] or all', [bad, approve('alice')]);
  assert.equal(r.holds, true);
  assert.deepEqual(outcomes(r.trace.children[0]), ['0::not-candidate', '1:alice:counted']);
  assert.equal(r.trace.children[0].holds, false);
  assert.deepEqual(outcomes(r.trace.children[1]), ['0::not-candidate', '1:alice:counted']);
});

test('an empty PR author login is still a login (author-limit, universe)', () => {
  assert.equal(run('universe', [], { action: 'author-limit', author: '' }).holds, true);
  assert.equal(run('universe', [approve('')], { author: '' }).holds, true);
});
