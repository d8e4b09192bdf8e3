import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closingIssueNumbers } from '../../../src/policy/approval/issues.js';

test('closing keywords, case-insensitive, deduplicated', () => {
  assert.deepEqual(closingIssueNumbers(['Fixes #12 and closes #3', undefined, 'RESOLVED #12', 'fix #7']), [3, 7, 12]);
  assert.deepEqual(closingIssueNumbers(['prefix #4', 'closes#5', 'unfixed #6', 'Closes #']), [5]);
  assert.deepEqual(closingIssueNumbers([]), []);
});
