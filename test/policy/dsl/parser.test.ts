import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DEPTH, parseMatcher } from '../../../src/policy/dsl/index.js';
import { ast, e, parseFails } from './helpers.js';

const and = (l: ReturnType<typeof e>, r: ReturnType<typeof e>) => ({ type: 'and' as const, children: [l, r] as [typeof l, typeof r] });
const or = (l: ReturnType<typeof e>, r: ReturnType<typeof e>) => ({ type: 'or' as const, children: [l, r] as [typeof l, typeof r] });
const not = (c: ReturnType<typeof e>) => ({ type: 'not' as const, child: c });

test('and/or have no precedence and nest to the right', () => {
  assert.deepEqual(ast('a and b or c'), and(e('a'), or(e('b'), e('c'))));
  assert.deepEqual(ast('a or b and c'), or(e('a'), and(e('b'), e('c'))));
  assert.deepEqual(ast('a and b and c'), and(e('a'), and(e('b'), e('c'))));
});

test('not takes everything that follows in its (sub)expression', () => {
  assert.deepEqual(ast('not a and b'), not(and(e('a'), e('b'))));
  assert.deepEqual(ast('not a and not b'), not(and(e('a'), not(e('b')))));
  assert.deepEqual(ast('b and not not a'), and(e('b'), not(not(e('a')))));
  assert.deepEqual(ast('(not a) and b'), and(not(e('a')), e('b')));
});

test('a parenthesised group is one operand, also as a left operand', () => {
  assert.deepEqual(ast('(a and b) or c'), or(and(e('a'), e('b')), e('c')));
  assert.deepEqual(ast('((a))'), e('a'));
  assert.deepEqual(ast('a and (b or c) and d'), and(e('a'), and(or(e('b'), e('c')), e('d'))));
});

test('whitespace between a function name and its parenthesis is allowed', () => {
  assert.deepEqual(ast('author (a)'), { type: 'author', child: e('a') });
});

test('attributes: any order, last duplicate wins, whitespace allowed', () => {
  assert.deepEqual(ast('a[ self = false , count = 3 ]'), e('a', 3, false));
  assert.deepEqual(ast('a[count=3,count=4]'), e('a', 4));
  assert.deepEqual(ast('{b,a}[count=2]'), { type: 'anonymous', members: ['a', 'b'], count: 2, self: true });
});

test('spans record 1-based character columns (end exclusive)', () => {
  const m = parseMatcher('é and {b}[count=2]');
  assert.deepEqual(m.span, { start: 1, end: 19 });
  assert.equal(m.type, 'and');
  if (m.type === 'and') {
    assert.deepEqual(m.children[0].span, { start: 1, end: 2 });
    assert.deepEqual(m.children[1].span, { start: 7, end: 19 });
  }
});

test('original error messages and positions (spec §3.2)', () => {
  parseFails('foo[and]', "invalid 'and' at position 5", 5);
  parseFails('foo[a,b,c]', "invalid ',' at position 6", 6);
  parseFails('a]', "invalid ']' at position 2", 2);
  parseFails('( and a)', "invalid 'and' at position 3", 3);
  parseFails(')', "invalid ')' at position 1", 1);
  parseFails('()', "invalid ')' at position 2", 2);
  parseFails('(a and )', "invalid ')' at position 8", 8);
  parseFails('a b', 'invalid noun b at position 3', 3);
  parseFails('(a) b', 'invalid noun b at position 5', 5);
  parseFails('{a} b', 'invalid noun b at position 5', 5);
  parseFails('a AND b', 'invalid noun AND at position 3', 3);
  parseFails('a not b', "invalid 'not' at position 3", 3);
  parseFails('foo[a=1', "missing ']' at position 7", 7);
  parseFails('foo[a', "missing ']' at position 5", 5);
  parseFails('foo[', "missing ']' to close '[' found at position 4", 4);
  parseFails('{a b}', "missing ',' at position 4", 4);
  parseFails('{a=}', "missing '}' at position 3", 3);
  parseFails('{a', "missing '}' to close '{' found at position 1", 1);
  parseFails('{', "missing '}' to close '{' found at position 1", 1);
  parseFails('(a and b) or not (c and (d or e)))', 'premature end of tokens', 34);
  parseFails('atleast()', "invalid ')' at position 9", 9);
  parseFails('author()', "invalid ')' at position 8", 8);
  parseFails('atleast(1, a, b,)', "invalid ')' at position 17", 17);
  parseFails('foo[]', "invalid ']' at position 5", 5);
  parseFails('a[count=1][self=true]', "invalid '[' at position 11", 11);
});

test('positions are bytes in the message, characters in the location', () => {
  parseFails('é b', 'invalid noun b at position 4', 3);
});

test('inputs the original crashed on or misread are errors (conformance README §6)', () => {
  parseFails('a {b}', "invalid '{' at position 3", 3);
  parseFails('{a}{b}', "invalid '{' at position 4", 4);
  parseFails('atleast(1, a', "missing ')' to close '(' found at position 8", 8);
  parseFails('(a and b) c', 'invalid noun c at position 11', 11);
  parseFails('(not a) b', 'invalid noun b at position 9', 9);
  parseFails('(a', "missing ')' to close '(' found at position 1", 1);
  parseFails('a and (b', "missing ')' to close '(' found at position 7", 7);
});

test('a missing operand is an error, not `true`', () => {
  parseFails('', 'empty expression', 1);
  parseFails(' \t\n', 'empty expression', 1);
  parseFails('a and', "missing operand after 'and' at position 3", 6);
  parseFails('a or ', "missing operand after 'or' at position 3", 5);
  parseFails('not', "missing operand after 'not' at position 1", 4);
  parseFails('a and and b', "invalid 'and' at position 7", 7);
  parseFails('atleast(1,,a)', "invalid ',' at position 11", 11);
  parseFails('atleast(,a)', "invalid ',' at position 9", 9);
  parseFails('atleast(1,', "missing operand after ',' at position 10", 11);
});

test('nesting deeper than MAX_DEPTH is refused instead of overflowing the stack', () => {
  const deep = MAX_DEPTH + 10;
  parseFails(`${'('.repeat(deep)}a${')'.repeat(deep)}`, 'nested too deeply');
  parseFails(`${'not '.repeat(deep)}a`, 'nested too deeply');
  parseFails(`${'a and '.repeat(deep)}a`, 'nested too deeply');
  parseFails(`${'author('.repeat(deep)}a${')'.repeat(deep)}`, 'nested too deeply');
  // Within the limit everything works.
  assert.equal(parseMatcher(`${'('.repeat(100)}a${')'.repeat(100)}`).type, 'entity');
  assert.equal(parseMatcher(`${'a and '.repeat(200)}a`).type, 'and');
});

test('`atleast(N,)`, the canonical text of an atleast without choices, parses; other trailing commas do not', () => {
  assert.deepEqual(ast('atleast(0,)'), { type: 'atleast', count: 0, children: [] });
  parseFails('atleast(1,a,)', "invalid ')' at position 13", 13);
  parseFails('author(a,)', "invalid ')' at position 10", 10);
  parseFails('f(a,)', "invalid ')' at position 5", 5);
});
