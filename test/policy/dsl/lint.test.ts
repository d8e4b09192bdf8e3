import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeMatcher, lintMatcher } from '../../../src/policy/dsl/index.js';

test('`a and b or c` says it is read as `a and (b or c)`', () => {
  const [w, ...rest] = lintMatcher('a and b or c');
  assert.deepEqual(rest, []);
  assert.match(w.message, /'a and b or c' is read as 'a and \(b or c\)'/);
  assert.equal(w.column, 1);
  assert.deepEqual(w.span, { start: 1, end: 13 });
});

test('the column points into the expression', () => {
  const [w] = lintMatcher('security or all[count=2] and  web or ops');
  assert.equal(w.column, 13);
  assert.match(w.message, /is read as 'all\[count=2\] and \(web or ops\)'/);
});

test('`not a and b` says it is read as `not (a and b)`', () => {
  const [w] = lintMatcher('x or not a and b');
  assert.match(w.message, /'not a and b' is read as 'not \(a and b\)'/);
  assert.equal(w.column, 6);
});

test('no warning where the reading is unambiguous', () => {
  for (const text of ['a and b and c', 'a or b or c', 'a or b and c', '(a and b) or c', 'a and (b or c)', 'not (a and b)', '(not a) and b', 'not a', 'atleast(1, a, b or c)']) {
    assert.deepEqual(lintMatcher(text), [], text);
  }
});

test('warnings inside groups and function arguments are found', () => {
  assert.equal(lintMatcher('atleast(1, a and b or c, not d or e)').length, 2);
  assert.equal(lintMatcher('author((a and b or c))').length, 1);
});

test('unparseable text gives no warnings; analyzeMatcher gives both at once', () => {
  assert.deepEqual(lintMatcher('a and'), []);
  const { matcher, warnings } = analyzeMatcher('a and b or c');
  assert.equal(matcher.type, 'and');
  assert.equal(warnings.length, 1);
});

test('columns count characters, not bytes', () => {
  const [w] = lintMatcher('é or ü and b or c');
  assert.equal(w.column, 6);
  assert.match(w.message, /'ü and \(b or c\)'/);
});
