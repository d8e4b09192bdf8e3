import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/policy/config/index.js';
import { branchDeletionEligibility } from '../../../src/policy/actions/branch-deletion.js';

const check = (text: string, branch = 'feat', owner = 'o', repoOwner = 'o') => branchDeletionEligibility(parseConfig(text).config, branch, owner, repoOwner);

test('other owner is never eligible', () => {
  assert.deepEqual(check('approvals:[{match:"off"}]', 'feat', 'fork', 'o'), {
    eligible: false, reason: 'It belongs to another owner', messages: ['Deletion of the merged branch feat has been blocked. It belongs to another owner'],
  });
});

test('catch-all must be off or have merge deletion disabled', () => {
  assert.equal(check('approvals:[{name: "main"}]').messages[0], "Deletion of the merged branch feat has been blocked. Approval policy main must either have match policy 'off' or merge deletion disabled");
  assert.equal(check('approvals:[{match: "off"}]').eligible, true);
  assert.equal(check('approvals:[{merge: {delete: false}}]').eligible, true);
  assert.equal(check('approvals:[{merge: {delete: true}}]').eligible, false);
  // A top-level merge section is not an explicit policy section.
  assert.equal(check('approvals:[{}]\nmerge: {delete: false}').eligible, false);
});

test('branches named in a scoped policy are protected; only the first empty scope is consulted', () => {
  const r = check('approvals:[{name: "rel", scope: {branches: ["feat"]}, match: "off"}, {match: "off"}]');
  assert.deepEqual(r.messages, ['Deletion of the merged branch feat has been blocked. It is mentioned in approval policy rel']);
  assert.equal(check('approvals:[{scope: {branches: ["other"]}}, {match: "off"}]').eligible, true);
  assert.equal(check('approvals:[{match: "off"}, {scope: {branches: ["feat"]}}, {}]').eligible, true);
});
