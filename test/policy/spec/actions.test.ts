/** Spec §10 (branch deletion), §11 (deployments) and §13 (audit flag). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  branchDeletionEligibility, plannedDeployments, parseDeployments, auditRequired, auditContext, auditSatisfied, auditTexts,
  evaluatePullRequest,
} from '../../../src/policy/index.js';
import { cfg, snap, c, pr } from './_helpers.js';

test('§10 a head branch named in an earlier policy scope (by name) blocks deletion', () => {
  const config = cfg('approvals:[{name: "rel", scope: {branches: ["feature"]}, match: "off"}, {match: "off"}]');
  assert.deepEqual(branchDeletionEligibility(config, 'feature', 'o', 'o'), {
    eligible: false,
    reason: 'It is mentioned in approval policy rel',
    messages: ['Deletion of the merged branch feature has been blocked. It is mentioned in approval policy rel'],
  });
  assert.equal(branchDeletionEligibility(config, 'other', 'o', 'o').eligible, true);
});

test('§10 the final policy must be match off or have merge.delete false', () => {
  const named = cfg('approvals:[{name: "default"}]');
  assert.equal(
    branchDeletionEligibility(named, 'b', 'o', 'o').messages[0],
    "Deletion of the merged branch b has been blocked. Approval policy default must either have match policy 'off' or merge deletion disabled",
  );
  assert.equal(branchDeletionEligibility(cfg('approvals:[{merge: {delete: true}}]'), 'b', 'o', 'o').eligible, false);
  assert.equal(branchDeletionEligibility(cfg('approvals:[{merge: {enable: true}}]'), 'b', 'o', 'o').eligible, true);
  // `match: "true"` is not `off`.
  assert.equal(branchDeletionEligibility(cfg('approvals:[{match: "true"}]'), 'b', 'o', 'o').eligible, false);
});

test('§10 owner check first, case-sensitive', () => {
  const r = branchDeletionEligibility(cfg('approvals:[{match: "off"}]'), 'b', 'Octo', 'octo');
  assert.equal(r.reason, 'It belongs to another owner');
});

test('§11 tasks × env; env without tasks → one deployment with the default task', () => {
  const map = parseDeployments('{ master: { tasks: ["t1", "t2"], env: "prod" }, qa: { env: "qa" }, dev: { tasks: ["t5"] }, bare: {} }');
  assert.deepEqual(plannedDeployments(map, 'master'), [
    { ref: 'master', task: 't1', environment: 'prod' },
    { ref: 'master', task: 't2', environment: 'prod' },
  ]);
  const qa = plannedDeployments(map, 'qa');
  assert.equal(qa.length, 1);
  assert.deepEqual([qa[0].ref, qa[0].task, qa[0].environment], ['qa', undefined, 'qa']);
  assert.deepEqual(plannedDeployments(map, 'dev'), [{ ref: 'dev', task: 't5', environment: '' }]);
  assert.deepEqual(plannedDeployments(map, 'bare'), []);
  assert.deepEqual(plannedDeployments(map, 'unknown'), []);
});

test('§11 reading taken: env "" without tasks deploys nothing (the original tests env != "")', () => {
  assert.deepEqual(plannedDeployments(new Map([['m', { env: '', tasks: null }]]), 'm'), []);
});

test('§11 hostile branch names in a plain record are data', () => {
  assert.deepEqual(plannedDeployments({}, '__proto__'), []);
  assert.deepEqual(plannedDeployments({}, 'constructor'), []);
  const map = parseDeployments('{ "__proto__": { env: "x" } }');
  assert.equal(plannedDeployments(map, '__proto__').length, 1);
  assert.equal(({} as Record<string, unknown>).env, undefined);
});

test('§13 audit applies only when enabled and the base branch is listed (default ["master"])', () => {
  assert.equal(auditRequired(cfg('approvals:[{}]').audit, 'master'), false);
  const on = cfg('approvals:[{}], audit: {enable: true}').audit;
  assert.deepEqual([auditRequired(on, 'master'), auditRequired(on, 'develop'), auditRequired(on, 'Master')], [true, false, false]);
  const listed = cfg('approvals:[{}], audit: {enable: true, branches: ["release"]}').audit;
  assert.deepEqual([auditRequired(listed, 'master'), auditRequired(listed, 'release')], [false, true]);
});

test('§13 audit context and satisfaction, texts', () => {
  assert.equal(auditContext('master'), 'audit/checks-out/master');
  assert.equal(auditContext('main', 'acme'), 'audit/acme/main');
  assert.equal(auditSatisfied(['approvals/checks-out', 'audit/checks-out/master'], 'master'), true);
  assert.equal(auditSatisfied(['audit/checks-out/develop'], 'master'), false);
  assert.equal(auditTexts.emptyCommitMessage('master', 'R'), "empty commit. Added commit status branch 'master' manual audit\n\nThe commits have been reviewed in R");
  assert.equal(auditTexts.manualStatus('master'), 'manual audit of branch master');
  assert.equal(auditTexts.prTitle('master', 12), 'Audit branch master for pr 12');
  assert.equal(auditTexts.branchName(12, 1700000000), 'pr-12-audit-1700000000');
  assert.equal(auditTexts.originalPrComment(13), 'You must approve pr #13 to preserve the audit chain. Use the "Update branch" button after you have merged the other pull request.');
  assert.equal(auditTexts.auditedBy(12), 'audited by pr 12');
});

test('§13 the audit flag gates approval in evaluatePullRequest (default OK)', () => {
  const args = { config: cfg('approvals:[{}]'), snapshot: snap(['bob']), pr: pr('alice'), lists: { approval: [c('bob', 'I approve')] } };
  assert.equal(evaluatePullRequest(args).approved, true);
  const d = evaluatePullRequest({ ...args, auditOk: false });
  assert.deepEqual([d.approved, d.auditOk, d.approvers, d.description], [false, false, ['bob'], 'audit chain must be manually approved']);
});
