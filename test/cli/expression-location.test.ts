import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpressionLocator } from '../../src/cli/expression-location.js';
import { diagnostic, formatDiagnostic, fromPolicyError, sortDiagnostics } from '../../src/cli/diagnostics.js';
import { PolicyError, PolicyErrors } from '../../src/policy/errors.js';

test('columns inside an expression map to file positions, astral characters counted once', () => {
  const text = '{\n  approvals: [\n    { name: "😀", match: "😀x[count=1] and ghost" }\n    { antimatch: "a\\u0041b" }\n  ]\n}\n';
  const loc = new ExpressionLocator(text, '.checks-out');
  // "😀x[count=1] and ghost": ghost is character 17 of the expression, column 42 of the line
  assert.deepEqual(loc.locate(1, 'match', 17), { file: '.checks-out', line: 3, column: 42 });
  assert.deepEqual(loc.locate(1, 'match', undefined), { file: '.checks-out', line: 3, column: 26 });
  // an escape sequence: the B after \u0041 is source column 26
  assert.deepEqual(loc.locate(2, 'antimatch', 3), { file: '.checks-out', line: 4, column: 26 });
  // a field not written in the file falls back to the given location
  assert.deepEqual(loc.locate(2, 'match', 1, { line: 4, column: 5 }), { file: '.checks-out', line: 4, column: 5 });
  assert.deepEqual(loc.locate(9, 'match', 1), { file: '.checks-out' });
});

test('an unparsable file never throws from the locator', () => {
  const loc = new ExpressionLocator('{ approvals: [', 'x');
  assert.deepEqual(loc.locate(1, 'match', 3, { line: 1 }), { file: 'x', line: 1 });
});

test('diagnostics: each error of a list keeps its own location; sorted by file, line, column', () => {
  const err = new PolicyErrors([
    new PolicyError('second', { file: 'b', line: 2, column: 1 }),
    new PolicyError('first', { line: 1, column: 4 }),
  ]);
  const list = sortDiagnostics([...fromPolicyError(err, 'a'), diagnostic('warning', 'w', {}, 'a')]);
  assert.deepEqual(list.map(formatDiagnostic), ['a: warning: w', 'a:1:4: first', 'b:2:1: second']);
  assert.equal(formatDiagnostic(diagnostic('error', 'two\nlines', { line: 3 }, 'f')), 'f:3: two\n    lines');
  assert.equal(formatDiagnostic(diagnostic('error', 'bare')), 'bare');
});
