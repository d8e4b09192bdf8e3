import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHjson, toPlain, type HNode } from '../../../src/policy/config/hjson-parse.js';
import { PolicyError } from '../../../src/policy/errors.js';

const plain = (text: string): unknown => JSON.parse(JSON.stringify(toPlain(parseHjson(text).root)));

function syntaxError(text: string): PolicyError {
  try {
    parseHjson(text, 'f.hjson');
  } catch (e) {
    assert.ok(e instanceof PolicyError, `not a PolicyError: ${String(e)}`);
    return e;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

test('root braces are optional and commas too', () => {
  assert.deepEqual(plain('a: 1\nb: x'), { a: 1, b: 'x' });
  assert.deepEqual(plain('{a: 1, b: [1, 2,]}'), { a: 1, b: [1, 2] });
  assert.deepEqual(plain('{\n a: 1\n b: [\n  1\n  2\n ]\n}'), { a: 1, b: [1, 2] });
  assert.deepEqual(plain(''), {});
  assert.deepEqual(plain('  # only a comment\n'), {});
});

test('comments of the three kinds', () => {
  assert.deepEqual(plain('# c\na: 1 # after number\n// c2\nb: /* block */ 2\n/* multi\nline */c: "s" // after string'), {
    a: 1,
    b: 2,
    c: 's',
  });
});

test('a quoteless value runs to the end of the line, comments and brackets included', () => {
  assert.deepEqual(plain('a: hello world # not a comment\nb: x, y'), { a: 'hello world # not a comment', b: 'x, y' });
  assert.deepEqual(plain('a: x}  \n'), { a: 'x}' });
});

test('keywords and numbers stop at , } ] and comments', () => {
  assert.deepEqual(plain('{a: true, b: false}'), { a: true, b: false });
  assert.deepEqual(plain('[null, -1.5e3, 0]'), [null, -1500, 0]);
  assert.deepEqual(plain('a: 5 apples\nb: true love\nc: 01'), { a: '5 apples', b: 'true love', c: '01' });
});

test('the one-line tag section of the spec is a syntax error', () => {
  const err = syntaxError('tag: {enable: true, increment: major}\napprovals: [{}]');
  assert.match(err.message, /^End of input while parsing an object \(did you forget a closing '\}'\?\)/);
  assert.match(err.message, /quoteless value at line 1, column 32/);
  assert.deepEqual(err.location, { file: 'f.hjson', line: 1, column: 32 });
});

test('quoted strings: escapes, single quotes, errors', () => {
  assert.deepEqual(plain(String.raw`a: "x\"\n\u0041\/"` + "\nb: 'it\\'s'"), { a: 'x"\nA/', b: "it's" });
  assert.equal(syntaxError('a: "abc').message, 'Bad string');
  assert.equal(syntaxError('a: "ab\nc"').message, 'Bad string containing newline');
  assert.equal(syntaxError(String.raw`a: "\q"`).message, 'Bad escape \\q');
  assert.match(syntaxError(String.raw`a: "\u12"`).message, /^Bad \\u char/);
});

test('multiline strings strip the indentation of the opening quotes', () => {
  const text = "a:\n  '''\n  first\n    second\n  '''\nb: 1";
  assert.deepEqual(plain(text), { a: 'first\n  second', b: 1 });
  assert.equal(syntaxError("a: '''never closed").message, 'Bad multiline string');
});

test('key errors', () => {
  assert.equal(syntaxError('a b: 1').message, 'Found whitespace in your key name (use quotes to include)');
  assert.equal(syntaxError(': 1').message, "Found ':' but no key name (for an empty key name use quotes)");
  assert.equal(syntaxError('abc').message, 'Found EOF while looking for a key name (check your syntax)');
  assert.match(syntaxError('a: 1\n]').message, /^Found '\]' where a key name was expected/);
  assert.equal(syntaxError('{a 1}').message, "Found whitespace in your key name (use quotes to include)");
  assert.deepEqual(plain('"a b": 1\n"": 2'), { 'a b': 1, '': 2 });
});

test('structural errors carry file, line and column', () => {
  const err = syntaxError('{\n  a: [1, 2\n');
  assert.equal(err.message, "End of input while parsing an array (did you forget a closing ']'?)");
  assert.deepEqual(err.location, { file: 'f.hjson', line: 3, column: 1 });
  assert.equal(syntaxError('{a: 1}\nb: 2').message, 'Syntax error, found trailing characters');
  assert.deepEqual(syntaxError('{a: 1}\nb: 2').location, { file: 'f.hjson', line: 2, column: 1 });
  assert.match(syntaxError('a: ,').message, /^Found a punctuator character ',' when expecting a quoteless string/);
});

test('a root that is a single value', () => {
  assert.equal(parseHjson('true').root.kind, 'bool');
  assert.equal(parseHjson('"x"').root.kind, 'string');
  // A one-line quoteless text is not taken as a root string: the object error is reported.
  assert.equal(syntaxError('hello').message, 'Found EOF while looking for a key name (check your syntax)');
});

test('every node knows where it starts (columns count characters)', () => {
  const doc = parseHjson('x: 1\n  "é😀": [ true, "s" ]\n');
  const root = doc.root;
  assert.equal(root.kind, 'object');
  if (root.kind !== 'object') return;
  assert.deepEqual(root.entries[1].keyPos, { line: 2, column: 3, offset: 7 });
  const arr = root.entries[1].value;
  assert.equal(arr.kind, 'array');
  if (arr.kind !== 'array') return;
  assert.deepEqual([arr.items[0].pos.line, arr.items[0].pos.column], [2, 11]);
  assert.deepEqual([arr.items[1].pos.line, arr.items[1].pos.column], [2, 17]);
  // Offsets of string characters map back to the source.
  const s = arr.items[1] as HNode & { kind: 'string' };
  assert.deepEqual(s.offsets.map((o) => doc.position(o).column), [18]);
});

test('duplicate keys are all kept in order; toPlain keeps the last', () => {
  const doc = parseHjson('a: 1\na: 2');
  assert.equal(doc.root.kind === 'object' && doc.root.entries.length, 2);
  assert.deepEqual(plain('a: 1\na: 2'), { a: 2 });
});

test('hostile input: deep nesting is an error, not a stack overflow; __proto__ is an ordinary key', () => {
  assert.equal(syntaxError('['.repeat(100000)).message, 'Nesting too deep');
  const v = toPlain(parseHjson('__proto__: {polluted: 1}').root) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), null);
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('CRLF line ends', () => {
  assert.deepEqual(plain('a: x y \r\nb: 2\r\n'), { a: 'x y', b: 2 });
});
