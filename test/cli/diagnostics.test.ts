import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnostic, formatDiagnostic, fromPolicyError, sortDiagnostics } from '../../src/cli/diagnostics.js';
import { PolicyError, PolicyErrors } from '../../src/policy/errors.js';

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
