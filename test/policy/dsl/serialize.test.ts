import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMatcher, serializeMatcher, stripSpans, type Matcher } from '../../../src/policy/dsl/index.js';

const ser = (text: string): string => serializeMatcher(parseMatcher(text));

test('leaves always show both attributes', () => {
  assert.equal(ser('all'), 'all[count=1,self=true]');
  assert.equal(ser('them[self=false]'), 'them[count=1,self=false]');
  assert.equal(ser('Foo[count=-1]'), 'foo[count=-1,self=true]');
  assert.equal(ser('{c,A,b}'), '{a,b,c}[count=1,self=true]');
  assert.equal(ser('{}'), '{}[count=1,self=true]');
  assert.equal(ser('true'), 'true');
  assert.equal(ser('off'), 'off');
  assert.equal(ser('issue-author'), 'issue-author');
});

test('functions print without spaces', () => {
  assert.equal(ser('atleast(1)'), 'atleast(1,)');
  assert.equal(ser('atleast( 2 , a , b )'), 'atleast(2,a[count=1,self=true],b[count=1,self=true])');
  assert.equal(ser('author( a )'), 'author(a[count=1,self=true])');
});

test('only left operands that are and/or/not get parentheses', () => {
  assert.equal(ser('a and (b or c)'), 'a[count=1,self=true] and b[count=1,self=true] or c[count=1,self=true]');
  assert.equal(ser('(a and b) or c'), '(a[count=1,self=true] and b[count=1,self=true]) or c[count=1,self=true]');
  assert.equal(ser('(not a) or c'), '(not a[count=1,self=true]) or c[count=1,self=true]');
  assert.equal(ser('(atleast(1, a)) or c'), 'atleast(1,a[count=1,self=true]) or c[count=1,self=true]');
  assert.equal(ser('not (a and b)'), 'not a[count=1,self=true] and b[count=1,self=true]');
});

test('the canonical text re-parses to the same matcher', () => {
  for (const text of ['(a and b) or not (c and (d or e))', '((a or b) and (c or d)) or e', 'atleast(2, (a and b) or c, not d)', 'author((not a) and b)']) {
    const m = stripSpans(parseMatcher(text));
    assert.deepEqual(stripSpans(parseMatcher(serializeMatcher(m))), m, text);
  }
});

test('stripSpans removes spans at every depth and leaves the input untouched', () => {
  const m = parseMatcher('atleast(1, not {a}) and author(b)');
  const stripped = stripSpans(m);
  assert.ok(!JSON.stringify(stripped).includes('span'));
  assert.ok(m.span !== undefined);
  const leaf: Matcher = { type: 'all', count: 1, self: true };
  assert.deepEqual(stripSpans(leaf), leaf);
});
