import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePullRequest } from '../../../src/policy/approval/evaluate.js';
import { parseConfig } from '../../../src/policy/config/index.js';
import { buildSnapshot, parseMaintainers, type Membership } from '../../../src/policy/maintainers/index.js';
import type { FeedbackItem } from '../../../src/policy/types.js';
import {
  MAX_OUTPUT_CHARS,
  annotationsFor,
  buildReport,
  clampOutput,
  errorReport,
} from '../../../src/service/pipeline/check-output.js';
import type { PrOutcome } from '../../../src/service/pipeline/evaluate-pr.js';
import type { PullData } from '../../../src/service/pipeline/github-port.js';
import type { Problem } from '../../../src/service/pipeline/load-policy.js';

const repo = { owner: 'acme', name: 'widgets', isOrg: true, enablingUser: 'acme' };
const none: Membership = { orgMembers: () => undefined, orgTeams: () => undefined, teamMembers: () => undefined, collaborators: () => undefined, user: () => undefined };
const pull: PullData = {
  number: 1, state: 'open', merged: false, draft: false, title: 'Add x', body: '', author: 'alice', headSha: 'a'.repeat(40),
  headRef: 'feature', headOwner: 'acme', baseRef: 'main', baseSha: 'b'.repeat(40), createdAt: 0, mergeable: true,
};

function outcome(configText: string, feedback: FeedbackItem[], o: { title?: string; author?: string; prProblems?: Problem[]; warnings?: Problem[]; commits?: { author: string }[] } = {}): PrOutcome {
  const { config } = parseConfig(configText, { file: '.checks-out' });
  const snapshot = buildSnapshot(parseMaintainers('alice\nbob\ncarol\n', 'text', { file: 'MAINTAINERS', repo }), repo, none);
  const decision = evaluatePullRequest({
    config,
    snapshot,
    pr: { author: o.author ?? 'alice', title: o.title ?? 'Add x', baseBranch: 'main', compareBranch: 'feature', compareOwner: 'acme' },
    files: ['x.ts'],
    feedback,
    commits: (o.commits ?? [{ author: o.author ?? 'alice' }]).map((c, i) => ({ sha: String(i).repeat(40), author: c.author, committer: 'x', parents: 1, committedAt: 0 })),
    headPushedAt: 0,
  });
  return { kind: 'decision', pull, decision, config, configFile: '.checks-out', configHash: 'h', warnings: o.warnings ?? [], prProblems: o.prProblems ?? [] };
}

const approve = (author: string, at = 10): FeedbackItem => ({ type: 'comment', author, body: 'I approve', at, updatedAt: at });
const block = (author: string, at = 10): FeedbackItem => ({ type: 'review', author, state: 'CHANGES_REQUESTED', at });
const CONFIG = '{ approvals: [ { match: "all[count=1,self=false]" } ] }';

test('approved: success status and conclusion, title is the status text', () => {
  const r = buildReport(outcome(CONFIG, [approve('bob')]));
  assert.deepEqual(r.status, { state: 'success', description: 'approved by bob' });
  assert.equal(r.check.conclusion, 'success');
  assert.equal(r.check.title, 'approved by bob');
  assert.match(r.check.summary, /^\*\*approved by bob\*\*/);
  assert.match(r.check.summary, /<details><summary>Effective configuration<\/summary>/);
  assert.deepEqual(r.check.annotations, []);
});

test('waiting for approvals: pending status, action_required', () => {
  const r = buildReport(outcome('{ approvals: [ { match: "all[count=2,self=false]" } ] }', [approve('bob')]));
  assert.deepEqual(r.status, { state: 'pending', description: 'more approvals needed. checks-out: bob' });
  assert.equal(r.check.conclusion, 'action_required');
  const none = buildReport(outcome(CONFIG, []));
  assert.deepEqual(none.status, { state: 'pending', description: 'no approvals received' });
  assert.equal(none.check.conclusion, 'action_required');
});

test('disapproved: pending status but a failing check run', () => {
  const r = buildReport(outcome(CONFIG, [approve('carol'), block('bob', 20)]));
  assert.deepEqual(r.status, { state: 'pending', description: 'blocked by bob' });
  assert.equal(r.check.conclusion, 'failure');
});

test('title and author blocks fail the check run with an error status', () => {
  const t = buildReport(outcome('{ antititle: "^WIP", approvals: [ { match: "all[count=1,self=false]" } ] }', [approve('bob')], { title: 'WIP x' }));
  assert.deepEqual(t.status, { state: 'error', description: 'pull request title is blocking merge' });
  assert.equal(t.check.conclusion, 'failure');
  const a = buildReport(outcome('{ approvals: [ { match: "all[count=1,self=false]", authormatch: "bob[count=1,self=true]" } ] }', [approve('bob')]));
  assert.deepEqual(a.status, { state: 'error', description: 'pull request author not allowed' });
  assert.equal(a.check.conclusion, 'failure');
});

test('author affirmation missing: error status, action_required (the author or others can still act)', () => {
  const r = buildReport(outcome(CONFIG, [approve('bob')], { commits: [{ author: 'alice' }, { author: 'bob' }] }));
  assert.deepEqual(r.status, { state: 'error', description: 'non-committer or PR author must approve' });
  assert.equal(r.check.conclusion, 'action_required');
});

test('a broken policy in the PR fails the check run even when approved, with annotations and a summary block', () => {
  const prProblems: Problem[] = [{ file: '.checks-out', line: 4, column: 7, message: 'Unable to parse approval policy' }];
  const warnings: Problem[] = [{ file: '.checks-out', line: 2, message: 'unknown key' }];
  const r = buildReport(outcome(CONFIG, [approve('bob')], { prProblems, warnings }));
  assert.equal(r.status.state, 'success');
  assert.equal(r.check.conclusion, 'failure');
  assert.match(r.check.summary, /This pull request's version of the policy files is invalid/);
  assert.match(r.check.summary, /\.checks-out:4:7: Unable to parse approval policy/);
  assert.match(r.check.summary, /\*\*Warnings\*\*/);
  assert.deepEqual(r.check.annotations, [
    { path: '.checks-out', start_line: 4, end_line: 4, start_column: 7, end_column: 7, annotation_level: 'failure', title: 'Invalid policy', message: 'Unable to parse approval policy' },
    { path: '.checks-out', start_line: 2, end_line: 2, annotation_level: 'warning', title: 'Policy warning', message: 'unknown key' },
  ]);
});

test('config error: error status naming the file, failure, one annotation per located problem', () => {
  const problems: Problem[] = [
    { file: '.checks-out', line: 3, column: 14, message: 'Unable to parse approval policy \'x and\'' },
    { file: 'MAINTAINERS', line: 9, message: 'Unable to parse line:  ' },
    { file: 'template.checks-out', source: 'acme/checks-out-configuration', line: 1, message: 'in the template' },
    { file: 'MAINTAINERS', message: 'MAINTAINERS file not found.', absent: true },
  ];
  const r = buildReport({ kind: 'config-error', pull, problems, configHash: 'h', prProblems: [] });
  assert.deepEqual(r.status, { state: 'error', description: "Parsing .checks-out file. Unable to parse approval policy 'x and' (and 3 more)" });
  assert.equal(r.check.conclusion, 'failure');
  assert.equal(r.check.title, 'Invalid approval policy');
  assert.match(r.check.summary, /acme\/checks-out-configuration:template\.checks-out:1: in the template/);
  assert.deepEqual(
    r.check.annotations.map((a) => [a.path, a.start_line, a.start_column]),
    [['.checks-out', 3, 14], ['MAINTAINERS', 9, undefined]],
  );
});

test('config error: long descriptions are cut to 135 bytes plus "..."', () => {
  const r = buildReport({ kind: 'config-error', pull, problems: [{ file: '.checks-out', message: 'é'.repeat(300) }], configHash: 'h', prProblems: [] });
  assert.ok(r.status.description.endsWith('...'));
  assert.ok(Buffer.byteLength(r.status.description) <= 138, r.status.description);
});

test('annotations: no line means line 1; messages are bounded; unlocated problems carry no columns', () => {
  const a = annotationsFor([{ file: 'MAINTAINERS', message: 'x'.repeat(100_000) }, { file: 'f', column: 3, message: 'm' }], 'failure');
  assert.equal(a[0].start_line, 1);
  assert.equal(a[0].message.length, 64 * 1024);
  assert.equal(a[1].start_column, undefined);
});

test('clampOutput: short text unchanged; long text cut with a note; a surrogate pair is never split', () => {
  assert.equal(clampOutput('abc'), 'abc');
  const long = clampOutput('x'.repeat(MAX_OUTPUT_CHARS + 10));
  assert.equal(long.length, MAX_OUTPUT_CHARS);
  assert.ok(long.endsWith('… (truncated)'));
  const emoji = '😀'.repeat(20);
  for (let max = 16; max < 30; max++) {
    const out = clampOutput(emoji, max);
    assert.ok(out.length <= max);
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(out), `lone high surrogate at max ${max}`);
  }
});

test('a huge number of feedback items still produces a summary within GitHub\'s limit', () => {
  const feedback = Array.from({ length: 3000 }, (_, i) => ({ type: 'comment' as const, author: `user${i}`, body: `comment ${'|'.repeat(20)} ${i}`, at: i, updatedAt: i }));
  const r = buildReport(outcome(CONFIG, feedback));
  assert.ok(r.check.summary.length <= MAX_OUTPUT_CHARS);
  assert.equal(r.check.conclusion, 'action_required');
});

test('errorReport: the message becomes the error status (cut to 135 bytes) and a failed run that cannot be broken out of its code block', () => {
  const r = errorReport('Server Error ```\n# injected');
  assert.deepEqual(r.status, { state: 'error', description: 'Server Error ```\n# injected' });
  assert.equal(r.check.conclusion, 'failure');
  assert.equal((r.check.summary.match(/```/g) ?? []).length, 2);
  assert.equal(errorReport('   ').status.description, 'unknown error');
  assert.ok(errorReport('x'.repeat(500)).status.description.endsWith('...'));
});
