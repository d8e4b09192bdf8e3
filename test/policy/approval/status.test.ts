import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitStatus, truncateDescription, statusContext, errorStatus, type StatusInput } from '../../../src/policy/approval/status.js';

const base: StatusInput = {
  approved: false, approvers: [], disapprovers: [], authorAffirmed: true, auditOk: true, titleOk: true, authorOk: true,
};

test('decision table rows in order', () => {
  assert.deepEqual(commitStatus({ ...base, approved: true, approvers: ['frank', 'bob'] }), { state: 'success', description: 'approved by bob,frank' });
  assert.deepEqual(commitStatus({ ...base, approved: true, auditOk: false }), { state: 'success', description: 'approval did not require approvers' });
  assert.equal(commitStatus({ ...base, authorAffirmed: false, auditOk: false }).description, 'non-committer or PR author must approve');
  assert.equal(commitStatus({ ...base, auditOk: false, titleOk: false }).description, 'audit chain must be manually approved');
  assert.equal(commitStatus({ ...base, titleOk: false, authorOk: false }).description, 'pull request title is blocking merge');
  assert.equal(commitStatus({ ...base, authorOk: false }).state, 'error');
  assert.deepEqual(commitStatus({ ...base, disapprovers: ['z', 'a'], approvers: ['q'] }), { state: 'pending', description: 'blocked by a,z' });
  assert.deepEqual(commitStatus({ ...base, approvers: ['b', 'a'] }, 'acme'), { state: 'pending', description: 'more approvals needed. acme: a,b' });
  assert.deepEqual(commitStatus(base), { state: 'pending', description: 'no approvals received' });
});

test('context and error status', () => {
  assert.equal(statusContext('checks-out'), 'approvals/checks-out');
  assert.deepEqual(errorStatus('boom'), { state: 'error', description: 'boom' });
});

test('truncation to 135 bytes plus ellipsis', () => {
  assert.equal(truncateDescription('x'.repeat(135)), 'x'.repeat(135));
  assert.equal(truncateDescription('x'.repeat(136)), `${'x'.repeat(135)}...`);
  assert.equal(Buffer.byteLength(truncateDescription('x'.repeat(500))), 138);
  assert.equal(truncateDescription(''), '');
});

test('truncation never splits a UTF-8 character', () => {
  const s = `${'x'.repeat(134)}é and more`; // é is 2 bytes: would straddle byte 135
  assert.equal(truncateDescription(s), `${'x'.repeat(134)}...`);
  const emoji = '😀'.repeat(40); // 4 bytes each
  const out = truncateDescription(emoji);
  assert.equal(out, `${'😀'.repeat(33)}...`);
  assert.ok(!out.includes('\uFFFD'));
  const lone = `${'\uD800'.repeat(50)}`;
  assert.ok(Buffer.byteLength(truncateDescription(lone)) <= 138);
});
