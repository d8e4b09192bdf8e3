import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePullRequest } from '../../../src/policy/approval/evaluate.js';
import { renderExplanationMarkdown, renderExplanationText, escapeMarkdown } from '../../../src/policy/approval/render.js';
import { config, snapshot, comment, review, pr } from './_helpers.js';

const snap = snapshot(['alice', 'bob', 'carol', 'dan'], { security: ['carol'] });
const head = { sha: 'abc', author: 'alice', committer: 'Alice', parents: 1, committedAt: 1000 };

test('end to end: policy by scope, gathering, decision, status and explanation', () => {
  const cfg = config('approvals:[{name: "docs", scope: {paths: ["docs/**"]}, match: "true"}, {name: "code", match: "security[count=1,self=false] and all[count=2,self=false]"}]');
  const feedback = [comment('bob', 'I approve', 500), comment('bob', 'I approve', 2000), comment('alice', 'I approve', 2100), comment('mallory', 'I approve', 2200)];
  const d = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice'), files: ['src/a.ts'], feedback, commits: [head], headPushedAt: 1500 });
  assert.deepEqual(d.policy, { position: 2, name: 'code' });
  assert.equal(d.approved, false);
  assert.equal(d.state, 'pending');
  assert.equal(d.description, 'more approvals needed. checks-out: bob');
  const e = d.explanation!;
  assert.deepEqual(e.scope.map((s) => [s.position, s.matched, s.failed]), [[1, false, ['paths']], [2, true, []]]);
  assert.equal(e.cutoff?.source, 'push');
  assert.deepEqual(e.approval.missing, [
    { leaf: 'security[count=1,self=false]', needed: 1, from: 'group `security`' },
    { leaf: 'all[count=2,self=false]', needed: 1, from: 'maintainers' },
  ]);
  const summaries = e.feedback.map((f) => f.summary);
  assert.match(summaries[0], /before the last push .*push time/);
  assert.equal(summaries[1], 'approval by bob counts');
  assert.match(summaries[2], /self-approval is not allowed/);
  assert.match(summaries[3], /mallory is not a maintainer/);

  const docs = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice'), files: ['docs/x.md'], feedback: [], commits: [head] });
  assert.deepEqual([docs.approved, docs.state, docs.description, docs.policy.name], [true, 'success', 'approval did not require approvers', 'docs']);
});

test('given lists are used as they are; explain false skips the explanation', () => {
  const cfg = config('approvals:[{}]');
  const d = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice'), lists: { approval: [comment('bob', 'I approve')] }, explain: false });
  assert.equal(d.approved, true);
  assert.equal(d.explanation, undefined);
  assert.equal(d.description, 'approved by bob');
});

test('blocked by a disapproval, title and audit', () => {
  const cfg = config('approvals:[{}]\nantititle: "^WIP"\ncommit: {range: "all", antirange: "all"}');
  const fb = [comment('bob', 'I approve', 1), review('dan', 'changes_requested', 2)];
  const blocked = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice'), feedback: fb, commits: [head] });
  assert.deepEqual([blocked.state, blocked.description], ['pending', 'blocked by dan']);
  assert.match(blocked.explanation!.feedback[0].summary, /not evaluated: the pull request is blocked by disapprovals/);
  assert.equal(blocked.explanation!.feedback[1].summary, 'disapproval by dan counts');
  const wip = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice', 'WIP: x'), feedback: fb, commits: [head] });
  assert.deepEqual([wip.state, wip.description], ['error', 'pull request title is blocking merge']);
  const audit = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice'), feedback: [fb[0]], commits: [head], auditOk: false });
  assert.deepEqual([audit.approved, audit.description], [false, 'audit chain must be manually approved']);
  assert.deepEqual(audit.curComment, { status: 'pr_audit', author: '' });
});

test('renderings mention the decisive facts and escape user text', () => {
  const cfg = config('approvals:[{name: "a|b <script>", match: "security[count=1,self=true]"}]\ncommit: {range: "all"}');
  const d = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice', '<img src=x>'), feedback: [comment('bob', 'I approve', 1)], commits: [head] });
  const text = renderExplanationText(d);
  assert.match(text, /Result: pending - no approvals received/);
  assert.match(text, /needs 1 more approval from group `security`/);
  assert.match(text, /bob is not among group `security`/);
  const md = renderExplanationMarkdown(d);
  assert.ok(md.includes('a\\|b \\<script\\>'));
  assert.ok(!md.includes('<script>'));
  assert.match(md, /\| bob \| comment at .* \| no \|/);
  assert.match(md, /- ❌ `security\[count=1,self=true\]`/);
  assert.equal(escapeMarkdown('a\nb|c`'), 'a b\\|c\\`');
  // Without an explanation the renderers still produce the result line.
  const bare = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice'), feedback: [], explain: false });
  assert.match(renderExplanationText(bare), /^Result: pending - no approvals received/);
  assert.match(renderExplanationMarkdown(bare), /no approvals received/);
});

test('hostile feedback and commits do not crash the evaluation', () => {
  const cfg = config('approvals:[{}]\ncommit: {range: "all", antirange: "all"}');
  const feedback = [
    { type: 'comment', author: undefined, body: 'I approve' },
    { type: 'review', author: '__proto__', state: 42 },
    { type: 'comment', author: 'bob', body: null },
    { type: 'comment', author: 'constructor', body: 'I approve', at: Number.NaN },
    { type: 'comment', author: 'bob', body: 'I approve', at: 5 },
  ] as unknown as Parameters<typeof evaluatePullRequest>[0]['feedback'];
  const commits = [{ author: undefined, committer: null, parents: 'x' }] as unknown as Parameters<typeof evaluatePullRequest>[0]['commits'];
  const d = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice'), feedback, commits });
  assert.equal(d.approved, true);
  assert.deepEqual(d.approvers, ['bob']);
  assert.equal(d.explanation!.feedback.length, 5);
  assert.ok(renderExplanationMarkdown(d).length > 0);
});

test('missing approvals: cheapest side of or, cheapest choices of atleast, nothing under not', async () => {
  const { missingApprovals } = await import('../../../src/policy/approval/explain.js');
  const cfg = config('approvals:[{match: "security[count=2,self=true] or all[count=1,self=true]"}, {match: "atleast(2, security[count=1,self=true], all[count=3,self=true], {dan}[count=1,self=true]) and not them[count=1,self=true]"}]');
  const run = (i: number) => {
    const policy = cfg.approvals[i];
    return evaluatePullRequest({ config: { ...cfg, approvals: [{ ...policy, scope: cfg.approvals[1].scope }] }, snapshot: snap, pr: pr('alice'), lists: { approval: [] } });
  };
  assert.deepEqual(run(0).explanation!.approval.missing.map((m) => m.leaf), ['all[count=1,self=true]']);
  assert.deepEqual(run(1).explanation!.approval.missing.map((m) => [m.leaf, m.needed]), [['security[count=1,self=true]', 1], ['{dan}[count=1,self=true]', 1]]);
  assert.deepEqual(missingApprovals(undefined), []);
});

test('long conversations: the Markdown keeps the most recent feedback rows', () => {
  const cfg = config('approvals:[{}]\ncommit: {range: "all", antirange: "all"}');
  const feedback = Array.from({ length: 30 }, (_, i) => comment(`user${i}`, 'hello', i));
  const d = evaluatePullRequest({ config: cfg, snapshot: snap, pr: pr('alice'), feedback, commits: [head] });
  const md = renderExplanationMarkdown(d, { maxFeedbackRows: 5 });
  assert.match(md, /25 earlier items not shown/);
  assert.ok(md.includes('| user29 |') && !md.includes('| user24 |'));
  assert.ok(md.indexOf('**Expression (match)**') < md.indexOf('| Who |'));
});
