import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob, globToRegexSource, trimSpace } from '../../src/policy/glob.js';

test('translation to an anchored regex', () => {
  assert.equal(globToRegexSource(''), '^$');
  assert.equal(globToRegexSource('*.java'), '^[^/]*\\.java$');
  assert.equal(globToRegexSource('**.java'), '^.*\\.java$');
  assert.equal(globToRegexSource('**/*.java'), '^.*/[^/]*\\.java$');
  assert.equal(globToRegexSource('  /hello*world/  '), '^hello[^/]*world$');
  assert.equal(globToRegexSource('//a//'), '^/a/$');
  assert.equal(globToRegexSource('a?[b](c){1}+|^$\\'), '^a\\?\\[b\\]\\(c\\)\\{1\\}\\+\\|\\^\\$\\\\$');
});

test('matching', () => {
  const m = (glob: string, path: string): boolean => compileGlob(glob).test(path);
  assert.equal(m('*.java', 'a.java'), true);
  assert.equal(m('*.java', 'src/a.java'), false);
  assert.equal(m('**.java', 'src/x/a.java'), true);
  assert.equal(m('foo/**', 'foo/x'), true);
  assert.equal(m('foo/**', 'foo/'), true);
  assert.equal(m('foo/**', 'foo'), false);
  assert.equal(m('foo/**/bar', 'foo/bar'), false);
  assert.equal(m('foo/**/bar', 'foo/x/y/bar'), true);
  assert.equal(m('a?', 'ab'), false);
  assert.equal(m('a?', 'a?'), true);
  assert.equal(m('', ''), true);
  assert.equal(m('', 'a'), false);
  // Like Go, `.` does not match a newline.
  assert.equal(m('**', 'a\nb'), false);
});

test('the original text is kept; serialises as it', () => {
  const g = compileGlob('  /docs/** ');
  assert.equal(g.text, '  /docs/** ');
  assert.equal(JSON.stringify(g), '"  /docs/** "');
});

test('hostile globs and paths run in linear time (re2)', () => {
  const g = compileGlob('**a'.repeat(200) + 'b');
  assert.equal(g.test('a'.repeat(20000)), false);
  assert.equal(trimSpace(' '.repeat(100000) + 'x' + ' '.repeat(100000)), 'x');
  assert.equal(trimSpace('\u00a0\u2003x\u0085'), 'x');
});
