import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../../../src/policy/dsl/index.js';

const kinds = (s: string): string[] => lex(s).map((t) => `${t.kind}:${t.text}`);

test('single-character tokens, words and operators', () => {
  assert.deepEqual(kinds('a[count=2,self=false] and {b,c} or not f(x)'), [
    'name:a', 'lbracket:[', 'name:count', 'eq:=', 'name:2', 'comma:,', 'name:self', 'eq:=', 'name:false',
    'rbracket:]', 'and:and', 'lbrace:{', 'name:b', 'comma:,', 'name:c', 'rbrace:}', 'or:or', 'not:not',
    'name:f', 'lparen:(', 'name:x', 'rparen:)',
  ]);
});

test('operators are case-sensitive; other characters are part of names', () => {
  assert.deepEqual(kinds('AND Not -  +2 issue-author @x a.b'), ['name:AND', 'name:Not', 'name:-', 'name:+2', 'name:issue-author', 'name:@x', 'name:a.b']);
});

test('only space, tab, CR and LF separate tokens', () => {
  assert.deepEqual(kinds('a\tb\r\nc d'), ['name:a', 'name:b', 'name:c', 'name:d']);
  // A non-breaking space and a vertical tab are ordinary characters.
  assert.deepEqual(kinds('a\u00a0b\vc'), ['name:a\u00a0b\vc']);
});

test('empty and blank input have no tokens', () => {
  assert.deepEqual(lex(''), []);
  assert.deepEqual(lex(' \t\r\n'), []);
});

test('positions are 1-based byte offsets, columns are 1-based characters', () => {
  const tokens = lex('é and 😀x');
  assert.deepEqual(
    tokens.map((t) => [t.text, t.pos, t.col, t.endCol]),
    [
      ['é', 1, 1, 2],
      ['and', 4, 3, 6],
      ['😀x', 8, 7, 9],
    ],
  );
});

test('a lone surrogate counts as three bytes, like Go encodes U+FFFD', () => {
  const tokens = lex('\ud800 a');
  assert.deepEqual(tokens.map((t) => [t.pos, t.col]), [[1, 1], [5, 3]]);
});
