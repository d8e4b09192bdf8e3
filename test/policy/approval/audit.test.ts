import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditContext, auditRequired, auditSatisfied, auditTexts } from '../../../src/policy/approval/audit.js';

test('audit applies to listed base branches when enabled', () => {
  assert.equal(auditRequired({ enable: true, branches: ['master'] }, 'master'), true);
  assert.equal(auditRequired({ enable: true, branches: ['master'] }, 'dev'), false);
  assert.equal(auditRequired({ enable: false, branches: ['master'] }, 'master'), false);
});

test('audit status context and texts', () => {
  assert.equal(auditContext('master'), 'audit/checks-out/master');
  assert.equal(auditSatisfied(['ci', 'audit/checks-out/master'], 'master'), true);
  assert.equal(auditSatisfied(['audit/checks-out/dev'], 'master'), false);
  assert.equal(auditTexts.prTitle('master', 7), 'Audit branch master for pr 7');
  assert.equal(auditTexts.branchName(7, 1500000000), 'pr-7-audit-1500000000');
  assert.match(auditTexts.emptyCommitMessage('master', 'x..y'), /^empty commit\. Added commit status branch 'master' manual audit\n\nThe commits have been reviewed in x\.\.y$/);
});
