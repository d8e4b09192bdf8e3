import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PolicyError } from '../../src/policy/errors.js';
import {
  compileOptionalRegex,
  compileRegex,
  regexFromJSONText,
  regexFromJSONValue,
  regexToJSONText,
} from '../../src/policy/regex.js';
import { runKind } from './maintainers/vector-helpers.js';

const DEFAULT = '(?i)^I approve\\s*(version:\\s*(?P<version>\\S+))?\\s*(comment:\\s*(?P<comment>.*\\S))?\\s*';

test('default pattern: matches, groups, unanchored semantics', () => {
  const re = compileRegex(DEFAULT);
  assert.equal(re.source, DEFAULT);
  assert.equal(re.test('i APPROVE!'), true);
  assert.equal(re.test('  I approve'), false);
  assert.equal(re.test('Well, I approve'), false);
  const m = re.exec('I approve version: 1.2 comment: hi there');
  assert.ok(m);
  assert.equal(m.match, 'I approve version: 1.2 comment: hi there');
  assert.equal(m.groups.version, '1.2');
  assert.equal(m.groups.comment, 'hi there');
  assert.equal(Object.getPrototypeOf(m.groups), null);
  const none = re.exec('I approve');
  assert.ok(none);
  assert.equal(none.groups.version, '');
  assert.equal(none.submatches[1], '');
});

test('unanchored find returns the leftmost match and its index', () => {
  const re = compileRegex('b+');
  assert.equal(re.test('aaabbb'), true);
  const m = re.exec('aaabbbcbb');
  assert.deepEqual([m?.match, m?.index], ['bbb', 3]);
  assert.equal(re.exec('xyz'), null);
});

test('group names and count follow Go SubexpNames', () => {
  const re = compileRegex(DEFAULT);
  assert.deepEqual(re.groupNames, ['', '', 'version', '', 'comment']);
  assert.equal(re.groupCount, 4);
  assert.equal(re.hasGroup('version'), true);
  assert.equal(re.hasGroup('nope'), false);
  assert.equal(re.hasGroup(''), false);
  assert.deepEqual(compileRegex('abc').groupNames, ['']);
});

test('Go RE2 syntax: ASCII \\s, POSIX classes, inline flags, no look-around', () => {
  assert.equal(compileRegex('^\\s$').test('\u00a0'), false);
  assert.equal(compileRegex('^[[:cntrl:]]$').test('\x07'), true);
  assert.equal(compileRegex('(?s)a.b').test('a\nb'), true);
  assert.equal(compileRegex('a.b').test('a\nb'), false);
  assert.throws(() => compileRegex('(?=a)'), PolicyError);
  assert.throws(() => compileRegex('(?<=a)b'), PolicyError);
  assert.throws(() => compileRegex('(a)\\1'), PolicyError);
});

test('errors carry Go text', () => {
  const cases: Array<[string, string]> = [
    ['(', 'error parsing regexp: missing closing ): `(`'],
    ['a)', 'error parsing regexp: unexpected ): `a)`'],
    ['[a', 'error parsing regexp: missing closing ]: `[a`'],
    ['*', 'error parsing regexp: missing argument to repetition operator: `*`'],
    ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['x{2,1}', 'error parsing regexp: invalid repeat count: `{2,1}`'],
    ['(?P<n>a)(?P<n>b)', 'error parsing regexp: duplicate capture group name: `n`'],
    ['\\8', 'error parsing regexp: invalid escape sequence: `\\8`'],
    ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
  ];
  for (const [pattern, message] of cases) {
    assert.throws(() => compileRegex(pattern), (e: unknown) => e instanceof PolicyError && e.message === message, pattern);
  }
});

test('non-string sources are PolicyErrors', () => {
  assert.throws(() => compileRegex(5 as unknown as string), PolicyError);
  assert.equal(compileOptionalRegex(undefined), undefined);
  assert.equal(compileOptionalRegex(null), undefined);
  assert.equal(compileOptionalRegex('a')?.source, 'a');
});

test('JSON serialisation keeps the source; deserialisation validates', () => {
  const re = compileRegex('(?i)^I approve\\s*(?P<version>\\S*)<&>');
  assert.equal(regexToJSONText(re), JSON.stringify(re.source));
  assert.equal(JSON.stringify({ pattern: re }), `{"pattern":${JSON.stringify(re.source)}}`);
  assert.equal(regexFromJSONText('"abc"').source, 'abc');
  assert.equal(regexFromJSONValue('abcdef').source, 'abcdef');
  assert.throws(() => regexFromJSONValue(3), { message: 'json: cannot unmarshal number into Go value of type string' });
  assert.throws(() => regexFromJSONText('{'), PolicyError);
  assert.throws(() => regexFromJSONText('"("'), { message: 'error parsing regexp: missing closing ): `(`' });
});

test('pathological pattern stays linear: (a+)+$ on a long input', () => {
  const re = compileRegex('(a+)+$');
  const long = 'a'.repeat(100_000);
  assert.equal(re.test(`${long}b`), false);
  const m = re.exec(long);
  assert.equal(m?.match.length, 100_000);
  assert.equal(compileRegex('^(a|a)*c').test('a'.repeat(50_000)), false);
});

test('huge repetitions and deep nesting are rejected, not compiled', () => {
  assert.throws(() => compileRegex('((a{1000}){1000}){1000}'), PolicyError);
  assert.throws(() => compileRegex('('.repeat(5000) + ')'.repeat(5000)), PolicyError);
});

test('property: any string compiles or fails with a PolicyError; matching never throws', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 40 }), (pattern, text) => {
      try {
        const re = compileRegex(pattern);
        re.test(text);
        re.exec(text);
      } catch (e) {
        assert.ok(e instanceof PolicyError, `${String(e)} for ${JSON.stringify(pattern)}`);
      }
    }),
    { numRuns: 1000 },
  );
  const regexish = fc.stringMatching(/^[()[\]{}*+?|^$.\\a-c0-9:PN<>?=!-]{0,30}$/);
  fc.assert(
    fc.property(regexish, (pattern) => {
      try {
        compileRegex(pattern).exec('abc(0)');
      } catch (e) {
        assert.ok(e instanceof PolicyError, `${String(e)} for ${JSON.stringify(pattern)}`);
      }
    }),
    { numRuns: 1500 },
  );
});

test('conformance vectors of kind regex all pass', async () => {
  const r = await runKind('regex');
  assert.equal(r.failed, 0, r.report);
  assert.equal(r.skipped, 0, r.report);
  assert.ok(r.passed > 0);
});
