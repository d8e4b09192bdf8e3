/** Property tests of the evaluator: the trace agrees with the result and the events, for random trees. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FeedbackItem, Snapshot } from '../../../src/policy/types.js';
import { evaluateMatcher, parseMatcher, walkTrace, type TraceNode } from '../../../src/policy/dsl/index.js';

const LOGINS = ['ann', 'ben', 'cat', 'dan', 'eve', 'out'];
const SNAP: Snapshot = {
  people: new Map(LOGINS.slice(0, 5).map((l) => [l, { name: l, email: '', login: l }])),
  orgs: new Map([
    ['g1', ['ann', 'ben']],
    ['g2', ['cat', 'dan', 'out']],
  ]),
  personToOrgs: new Map([
    ['ann', new Set(['g1'])],
    ['ben', new Set(['g1'])],
    ['cat', new Set(['g2'])],
    ['dan', new Set(['g2'])],
  ]),
};

const leaf = fc
  .tuple(fc.constantFrom('all', 'universe', 'us', 'them', 'g1', 'g2', 'ann', '{g1,out}', 'true', 'false', 'issue-author'), fc.integer({ min: 1, max: 3 }), fc.boolean())
  .map(([n, c, s]) => (['true', 'false', 'issue-author'].includes(n) ? n : `${n}[count=${c},self=${s}]`));
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('e'), fc.constantFrom('and', 'or'), tie('e')).map(([l, op, r]) => `(${l}) ${op} (${r})`),
    tie('e').map((c) => `not (${c})`),
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.array(tie('e'), { maxLength: 3 })).map(([n, cs]) => `atleast(${n},${cs.join(',')})`),
    tie('e').map((c) => `author(${c})`),
  ),
})).e;

const item = fc.tuple(fc.constantFrom(...LOGINS, 'ANN', 'Cat'), fc.constantFrom('yes', 'no', 'block', 'both')).map(
  ([author, body]): FeedbackItem => ({ type: 'comment', author, body }),
);
const isApproval = (f: FeedbackItem): boolean => f.body === 'yes' || f.body === 'both';
const isDisapproval = (f: FeedbackItem): boolean => f.body === 'block' || f.body === 'both';

function expected(n: TraceNode): boolean {
  const kids = n.children.map((c) => c.holds);
  switch (n.type) {
    case 'and':
      return kids[0] && kids[1];
    case 'or':
      return kids[0] || kids[1];
    case 'not':
      return !kids[0];
    case 'author':
      return kids[0];
    case 'atleast':
      return n.children.length > 0 && kids.filter(Boolean).length >= Number(/^atleast\((-?\d+)/.exec(n.text)?.[1]);
    case 'true':
    case 'off':
      return true;
    case 'false':
      return false;
    default:
      return (n.leaf?.required ?? 0) <= n.counted.length;
  }
}

/** Leaves outside author(): their counted people are exactly what the events say. */
function outsideAuthor(n: TraceNode, out: TraceNode[] = []): TraceNode[] {
  if (n.type === 'author') return out;
  if (n.leaf !== undefined) out.push(n);
  for (const c of n.children) outsideAuthor(c, out);
  return out;
}

test('every trace node agrees with its children, needed is 0 exactly when it holds', () => {
  fc.assert(
    fc.property(expr, fc.array(item, { maxLength: 12 }), fc.constantFrom('approval' as const, 'disapproval' as const), fc.constantFrom('ann', 'Cat', 'out'), (text, feedback, action, author) => {
      const m = parseMatcher(text);
      const r = evaluateMatcher(m, { snapshot: SNAP, author, feedback, action, isApproval, isDisapproval, closingIssueAuthors: ['ben'] });
      assert.equal(r.holds, r.trace.holds);
      for (const n of walkTrace(r.trace)) {
        assert.equal(n.holds, expected(n), n.text);
        if (n.holds) assert.equal(n.needed, 0, n.text);
        else assert.ok(n.needed === null || n.needed > 0, `${n.text}: needed ${n.needed}`);
        for (const it of n.leaf?.items ?? []) assert.ok(it.index === -1 || (it.index >= 0 && it.index < feedback.length));
      }
      // Net events per login equal what the leaves outside author() counted.
      const net = new Map<string, number>();
      for (const e of r.events) net.set(e.login, (net.get(e.login) ?? 0) + (e.type === 'DisapprovalRemove' ? -1 : 1));
      const counted = new Map<string, number>();
      for (const l of outsideAuthor(r.trace)) for (const p of l.counted) counted.set(p.login, (counted.get(p.login) ?? 0) + 1);
      for (const [login, k] of net) if (k === 0) net.delete(login);
      assert.deepEqual(new Map([...net].sort()), new Map([...counted].sort()), text);
    }),
    { numRuns: 1500 },
  );
});

test('large flat inputs parse (no quadratic blow-up, no stack use proportional to width)', () => {
  const wide = parseMatcher(`atleast(1, ${'a, '.repeat(50_000)}a)`);
  assert.equal(wide.type === 'atleast' && wide.children.length, 50_001);
  const members = parseMatcher(`{${Array.from({ length: 100_000 }, (_, i) => `m${i}`).join(',')}}`);
  assert.equal(members.type === 'anonymous' && members.members.length, 100_000);
  const r = evaluateMatcher(wide, { snapshot: SNAP, author: 'x', feedback: [{ type: 'comment', author: 'a', body: 'yes' }], action: 'approval', isApproval });
  assert.equal(r.holds, true);
});
