/** Property tests: parseMatcher never crashes or hangs, and the canonical text round-trips. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PolicyError } from '../../../src/policy/errors.js';
import { evaluateMatcher, lintMatcher, parseMatcher, serializeMatcher, stripSpans, type Matcher } from '../../../src/policy/dsl/index.js';

/** Only PolicyErrors with a 1-based column may escape; anything else (TypeError, RangeError) fails. */
function parseOrError(text: string): Matcher | PolicyError {
  try {
    return parseMatcher(text);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return e;
  }
}

const dslPieces = fc.constantFrom(
  'a', 'B', 'and', 'or', 'not', '(', ')', '[', ']', '{', '}', ',', '=', 'count', 'self', '1', '-2', 'x',
  'atleast', 'author', 'true', 'off', 'all', 'us', 'them', 'universe', 'issue-author', ' ', '\t', '\n', 'é', '😀',
);
const dslLike = fc.array(dslPieces, { maxLength: 40 }).map((parts) => parts.join(''));
const spaced = fc.array(dslPieces, { maxLength: 40 }).map((parts) => parts.join(' '));

const snapshot = {
  people: new Map([['a', { name: 'A', email: '', login: 'a' }]]),
  orgs: new Map([['b', ['a']]]),
  personToOrgs: new Map([['a', new Set(['b'])]]),
};

test('any input gives a Matcher or a PolicyError with a column', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), dslLike, spaced), (text) => {
      const r = parseOrError(text);
      if (r instanceof PolicyError) {
        assert.equal(typeof r.location.column, 'number');
        assert.ok((r.location.column ?? 0) >= 1);
        // The column stays inside the text (or just after it, for "missing ..." at the end).
        assert.ok((r.location.column ?? 0) <= Array.from(text).length + 1);
      } else {
        // Whatever parses can be serialised, linted and evaluated.
        serializeMatcher(r);
        lintMatcher(text);
        evaluateMatcher(r, { snapshot, author: 'a', feedback: [{ type: 'comment', author: 'A', body: 'ok' }], action: 'approval', isApproval: () => true });
      }
    }),
    { numRuns: 3000 },
  );
});

const KEYWORDS = new Set(['all', 'universe', 'us', 'them', 'true', 'false', 'off', 'issue-author', 'and', 'or', 'not']);
const name = fc
  .stringMatching(/^[a-z0-9_.@-]{1,8}$/)
  .filter((n) => !KEYWORDS.has(n));
const count = fc.integer({ min: -3, max: 1000 });

const matcherArb = fc.letrec<{ m: Matcher }>((tie) => ({
  m: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constantFrom('all' as const, 'universe' as const, 'us' as const, 'them' as const), count, self: fc.boolean() }),
    fc.record({ type: fc.constant('entity' as const), name, count, self: fc.boolean() }),
    fc.record({
      type: fc.constant('anonymous' as const),
      members: fc.uniqueArray(name, { maxLength: 4 }).map((ms) => [...ms].sort()),
      count,
      self: fc.boolean(),
    }),
    fc.record({ type: fc.constantFrom('true' as const, 'false' as const, 'off' as const, 'issue-author' as const) }),
    fc.record({ type: fc.constantFrom('and' as const, 'or' as const), children: fc.tuple(tie('m'), tie('m')) }),
    fc.record({ type: fc.constant('not' as const), child: tie('m') }),
    fc.record({ type: fc.constant('atleast' as const), count, children: fc.array(tie('m'), { maxLength: 3 }) }),
    fc.record({ type: fc.constant('author' as const), child: tie('m') }),
  ),
}));

test('parseMatcher(serializeMatcher(m)) is m', () => {
  fc.assert(
    fc.property(matcherArb.m, (m) => {
      const text = serializeMatcher(m);
      // fast-check builds records without a prototype; compare as plain JSON.
      assert.deepEqual(stripSpans(parseMatcher(text)), JSON.parse(JSON.stringify(m)), text);
    }),
    { numRuns: 2000 },
  );
});
