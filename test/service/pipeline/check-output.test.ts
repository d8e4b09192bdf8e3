import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePullRequest } from '../../../src/policy/approval/evaluate.js';
import { parseConfig } from '../../../src/policy/config/index.js';
import { buildSnapshot, parseMaintainers, type Membership } from '../../../src/policy/maintainers/index.js';
import type { FeedbackItem } from '../../../src/policy/types.js';
import {
  MAX_SUMMARY_BYTES,
  annotationsFor,
  buildReport,
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
  // The warning is the default branch's: the PR changes .checks-out, so its line 2 is not that one.
  assert.deepEqual(r.check.annotations, [
    { path: '.checks-out', start_line: 4, end_line: 4, start_column: 7, end_column: 7, annotation_level: 'failure', title: 'Invalid policy', message: 'Unable to parse approval policy' },
  ]);
  assert.match(r.check.summary, /\.checks-out:2: unknown key/);
  // Warnings are annotated when the PR leaves the file alone.
  const quiet = buildReport(outcome(CONFIG, [approve('bob')], { warnings }));
  assert.deepEqual(quiet.check.annotations, [
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
  assert.equal(r.check.title, r.status.description, 'the title is the status text');
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

test('annotations: no line means line 1; unlocated problems carry no columns', () => {
  const a = annotationsFor([{ file: 'MAINTAINERS', message: 'x' }, { file: 'f', column: 3, message: 'm' }], 'failure');
  assert.equal(a[0].start_line, 1);
  assert.equal(a[1].start_column, undefined);
});

test('a huge number of feedback items still produces a summary within GitHub\'s limit', () => {
  const feedback = Array.from({ length: 3000 }, (_, i) => ({ type: 'comment' as const, author: `user${i}`, body: `comment ${'|'.repeat(20)} ${i}`, at: i, updatedAt: i }));
  const r = buildReport(outcome(CONFIG, feedback));
  assert.ok(Buffer.byteLength(r.check.summary) <= MAX_SUMMARY_BYTES);
  assert.equal(r.check.conclusion, 'action_required');
});

test('errorReport: the message becomes the error status (cut to 135 bytes), the title, and a failed run that cannot be broken out of its code block', () => {
  const r = errorReport('Server Error ```\n# injected');
  assert.deepEqual(r.status, { state: 'error', description: 'Server Error ```\n# injected' });
  assert.equal(r.check.title, r.status.description);
  assert.equal(r.check.conclusion, 'failure');
  assert.equal((r.check.summary.match(/```/g) ?? []).length, 2);
  assert.equal(errorReport('   ').status.description, 'unknown error');
  assert.equal(errorReport('   ').check.title, 'unknown error');
  const long = errorReport('é'.repeat(500));
  assert.ok(long.status.description.endsWith('...'));
  assert.equal(long.check.title, long.status.description);
});

// --- GitHub's output limits are UTF-8 bytes -------------------------------------------------------------

const configError = (problems: Problem[], prProblems: Problem[] = [], context: { changedFiles?: string[]; defaultBranch?: string } = {}) =>
  buildReport({ kind: 'config-error', pull, problems, configHash: 'h', prProblems, ...context });

test('annotations: multi-byte messages are cut to 64 KB of UTF-8 (not characters), whole characters, with a marker', () => {
  for (const unit of ['é', '😀', '中', 'aé😀']) {
    const message = unit.repeat(Math.ceil(80_000 / Buffer.byteLength(unit)));
    const [a] = annotationsFor([{ file: '.checks-out', line: 1, message }], 'failure');
    const bytes = Buffer.byteLength(a.message);
    assert.ok(bytes <= 64 * 1024, `${unit}: ${bytes} bytes`);
    assert.ok(bytes > 64 * 1024 - 20, `${unit}: cut no more than needed (${bytes})`);
    assert.ok(a.message.endsWith('… (truncated)'), unit);
    assert.ok(message.startsWith(a.message.slice(0, -'… (truncated)'.length)), `${unit}: a prefix of whole characters`);
    assert.ok(!a.message.includes('\ufffd'), unit);
  }
  const exact = 'é'.repeat(32 * 1024); // exactly 64 KB: untouched
  assert.equal(annotationsFor([{ file: 'f', message: exact }], 'warning')[0].message, exact);
});

test('config error with a huge non-ASCII message: every field within its byte limit, the error still shown', () => {
  const message = `Unable to parse approval policy '${'é'.repeat(40_000)}'`;
  const r = configError([{ file: '.checks-out', line: 3, column: 14, message }, { file: 'MAINTAINERS', line: 2, message: '😀'.repeat(30_000) }]);
  assert.ok(Buffer.byteLength(r.check.summary) <= MAX_SUMMARY_BYTES);
  assert.match(r.check.summary, /\.checks-out:3:14: Unable to parse approval policy 'éé/);
  assert.ok(r.check.summary.endsWith('… (truncated)'));
  assert.ok(Buffer.byteLength(r.status.description) <= 138);
  assert.equal(r.check.title, r.status.description);
  assert.equal(r.check.annotations.length, 2);
  for (const a of r.check.annotations) {
    assert.ok(Buffer.byteLength(a.message) <= 64 * 1024);
    assert.ok(Buffer.byteLength(a.title ?? '') <= 255);
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(a.message), 'no split surrogate pair');
  }
});

test('decision: a summary of multi-byte text is cut in bytes; the title is the posted status text', () => {
  const feedback = Array.from({ length: 2000 }, (_, i) => ({ type: 'comment' as const, author: `user${i}`, body: `😀 ${'é'.repeat(40)} ${i}`, at: i, updatedAt: i }));
  const logins = Array.from({ length: 40 }, (_, i) => `reviewer-${i}`);
  const maintainers = `${logins.join('\n')}\n`;
  const { config } = parseConfig('{ approvals: [ { match: "all[count=40,self=false]" } ] }', { file: '.checks-out' });
  const snapshot = buildSnapshot(parseMaintainers(maintainers, 'text', { file: 'MAINTAINERS', repo }), repo, none);
  const decision = evaluatePullRequest({
    config, snapshot,
    pr: { author: 'alice', title: 'Add x', baseBranch: 'main', compareBranch: 'feature', compareOwner: 'acme' },
    files: ['x.ts'], feedback: [...feedback, ...logins.map((l) => approve(l, 5000))],
    commits: [{ sha: '0'.repeat(40), author: 'alice', committer: 'x', parents: 1, committedAt: 0 }], headPushedAt: 0,
  });
  const r = buildReport({ kind: 'decision', pull, decision, config, configFile: '.checks-out', configHash: 'h', warnings: [], prProblems: [] });
  assert.ok(decision.description.length > 135, 'a description that the status has to cut');
  assert.ok(r.status.description.endsWith('...'));
  assert.equal(r.check.title, r.status.description);
  assert.ok(Buffer.byteLength(r.check.summary) <= MAX_SUMMARY_BYTES, `${Buffer.byteLength(r.check.summary)}`);
});

// --- Untrusted text stays inside its Markdown block ---------------------------------------------------

/** The lines that open or close a fenced code block (CommonMark: only a run of the same character, as long or longer, closes). */
function fences(summary: string): string[] {
  const out: string[] = [];
  let open: string | undefined;
  for (const line of summary.split(/\r\n?|\n/)) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!m) continue;
    if (open === undefined) {
      if (m[1][0] === '`' && m[2].includes('`')) continue; // a code span, not a fence
      open = m[1];
      out.push(line);
    } else if (m[1][0] === open[0] && m[1].length >= open.length && m[2].trim() === '') {
      open = undefined;
      out.push(line);
    }
  }
  return out;
}

test('hostile problem messages and file names cannot break out of the summary\'s code blocks', () => {
  const hostile = [
    ...Array.from({ length: 10 }, (_, n) => `a and\n${'`'.repeat(n + 3)}\n# injected ${n}`),
    'x\r```\r<script>alert(1)</script>',
    '``` ```` `````',
    '</details><img src=x onerror=alert(1)>\n~~~\n```js',
    'nul \u0000 bell \u0007 esc \u001b',
  ];
  const problems: Problem[] = hostile.map((message, i) => ({ file: i === 0 ? 'MAINT```AINERS\n# h' : '.checks-out', line: i + 1, message }));
  const r = configError(problems, problems);
  assert.deepEqual(fences(r.check.summary), ['```', '```', '```', '```']);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(r.check.summary), 'no control characters but newline and tab');
  for (const n of [0, 9]) assert.match(r.check.summary, new RegExp(`^# injected ${n}$`, 'm'), 'the text is still shown, as code');
  // Annotation messages are plain text on GitHub: they keep the message as it was.
  assert.equal(r.check.annotations.find((a) => a.start_line === 1)?.message, hostile[0]);

  const d = buildReport(outcome(CONFIG, [approve('bob')], { warnings: problems, prProblems: problems }));
  assert.deepEqual(fences(d.check.summary).filter((l) => l !== '```json'), ['```', '```', '```', '```', '```']);
});

test('the effective configuration block is not closed by a backtick run in the policy (indented JSON never starts a line with one)', () => {
  const r = buildReport(outcome('{ antititle: "^```\\n# injected", approvals: [ { match: "all[count=1,self=false]" } ] }', [approve('bob')]));
  assert.deepEqual(fences(r.check.summary), ['```json', '```']);
  const json = r.check.summary.slice(r.check.summary.indexOf('```json\n') + 8, r.check.summary.lastIndexOf('\n```'));
  assert.equal(JSON.parse(json).antititle, '^```\n# injected', 'the JSON still says exactly what the policy says');
});

test('errorReport: backtick runs of any length, CR line endings and HTML stay in the code block', () => {
  for (let n = 3; n <= 12; n++) {
    const r = errorReport(`boom\r${'`'.repeat(n)}\n# injected <img src=x onerror=alert(1)>\n${'`'.repeat(n)}`);
    assert.deepEqual(fences(r.check.summary), ['```', '```'], `run of ${n}`);
    assert.match(r.check.summary, /Use \*\*Re-evaluate\*\* to try again\.$/);
  }
});

// --- Annotations point at the file version they describe ------------------------------------------------

const defaultProblem: Problem = { file: '.checks-out', line: 3, column: 14, message: "Unable to parse approval policy 'x and'" };
const maintainersProblem: Problem = { file: 'MAINTAINERS', line: 9, message: 'Unable to parse line:  ' };
const prProblem: Problem = { file: '.checks-out', line: 5, column: 2, message: "Unable to parse approval policy 'y or'" };

test('default branch broken, PR changes the file with its own problems: only the PR\'s problems are annotated', () => {
  const r = configError([defaultProblem], [prProblem], { changedFiles: ['.checks-out', 'src/x.ts'], defaultBranch: 'main' });
  assert.deepEqual(r.check.annotations.map((a) => [a.path, a.start_line, a.message]), [['.checks-out', 5, prProblem.message]]);
  assert.match(r.check.summary, /the approval policy of the default branch \(`main`\) is invalid/);
  assert.match(r.check.summary, /\.checks-out:3:14: Unable to parse approval policy 'x and'/);
  assert.match(r.check.summary, /These problems are in the version of `\.checks-out` on the default branch \(`main`\)\. This pull request changes that file, so they are not annotated\./);
  assert.match(r.check.summary, /Problems in this pull request's version of the policy files\*\*\n\n```\n\.checks-out:5:2: /);
});

test('default branch broken, PR fixes it: nothing is annotated on the fixed file; the problems stay in the summary', () => {
  const r = configError([defaultProblem, maintainersProblem], [], { changedFiles: ['.checks-out'], defaultBranch: 'main' });
  // MAINTAINERS is the same on the PR head: its problem is annotated there.
  assert.deepEqual(r.check.annotations.map((a) => [a.path, a.start_line]), [['MAINTAINERS', 9]]);
  assert.match(r.check.summary, /\.checks-out:3:14: /);
  assert.match(r.check.summary, /version of `\.checks-out` on the default branch \(`main`\)\. This pull request changes that file/);
});

test('default branch broken, PR leaves the policy alone: the default branch\'s problems are annotated, no note', () => {
  const r = configError([defaultProblem, maintainersProblem], [], { changedFiles: ['src/x.ts'] });
  assert.deepEqual(r.check.annotations.map((a) => [a.path, a.start_line]), [['.checks-out', 3], ['MAINTAINERS', 9]]);
  assert.doesNotMatch(r.check.summary, /not annotated/);
  assert.match(r.check.summary, /the approval policy of the default branch is invalid/, 'unnamed when not known');
});

test('without the changed files, a PR with policy problems of its own gets only those annotated', () => {
  const r = configError([defaultProblem, maintainersProblem], [prProblem, maintainersProblem]);
  // The MAINTAINERS problem is found on both versions: one annotation (from the PR head, where it is).
  assert.deepEqual(r.check.annotations.map((a) => [a.path, a.start_line]), [['.checks-out', 5], ['MAINTAINERS', 9]]);
  assert.match(r.check.summary, /version of `\.checks-out`, `MAINTAINERS` on the default branch\. This pull request changes policy files, so they are not annotated\./);
  const both = configError([defaultProblem, maintainersProblem], [], { changedFiles: ['MAINTAINERS', '.checks-out'] });
  assert.deepEqual(both.check.annotations, []);
  assert.match(both.check.summary, /This pull request changes those files, so they are not annotated\./);
});

test('the same problem on the default branch and the unchanged file on the PR head is annotated once', () => {
  const r = configError([maintainersProblem], [maintainersProblem], { changedFiles: ['.checks-out'] });
  assert.equal(r.check.annotations.length, 1);
});

test('the context comes with the outcome: changed files and the branch named', () => {
  const r = buildReport({ kind: 'config-error', pull, problems: [defaultProblem], configHash: 'h', prProblems: [], changedFiles: ['.checks-out'], defaultBranch: 'trunk' });
  assert.deepEqual(r.check.annotations, []);
  assert.match(r.check.summary, /default branch \(`trunk`\)/);
});

test('a hostile default branch name is shown as inline code on one line', () => {
  const r = configError([defaultProblem], [], { changedFiles: ['.checks-out'], defaultBranch: 'ma``in\n# x' });
  assert.match(r.check.summary, /default branch \(```ma``in # x```\)/);
  assert.match(configError([defaultProblem], [], { defaultBranch: '`x' }).check.summary, /default branch \(`` `x ``\)/);
  assert.doesNotMatch(r.check.summary, /^# x/m);
});
