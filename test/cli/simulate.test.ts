import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.js';

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'co-simulate-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const CONFIG = '{ approvals: [ { name: "two", match: "all[count=2,self=false]" } ], antititle: "(?i)^wip" }';
const MAINTAINERS = 'alice\nbob\ncarol\n';

function pr(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    pull_request: { author: 'Alice', title: 'Add x', base_branch: 'main', compare_branch: 'x', compare_owner: 'acme' },
    files: ['a.ts'],
    commits: [{ sha: 'c1', author: 'alice', committer: 'Alice', parents: 1, committed_at: '2024-05-01T09:00:00Z' }],
    head_pushed_at: '2024-05-01T09:05:00Z',
    comments: [{ author: 'bob', body: 'I approve', created_at: '2024-05-01T10:00:00Z' }],
    reviews: [{ author: 'Carol', state: 'APPROVED', submitted_at: '2024-05-01T11:00:00Z' }],
    ...overrides,
  });
}

test('an approved PR: decision, policy, approvers and status; exit 0', async () => {
  const dir = repo({ '.checks-out': CONFIG, MAINTAINERS, 'pr.json': pr() });
  const r = await runCli(['simulate', '--pr', 'pr.json'], { cwd: dir });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'Pull request: "Add x" by Alice (acme:x -> main)');
  assert.equal(lines[1], 'Decision:     approved');
  assert.equal(lines[2], 'Status:       success "approved by bob,carol"');
  assert.equal(lines[3], 'Disapprovers: (none)');
  assert.match(r.stdout, /^Policy: #1 "two"/m);
  assert.match(r.stdout, /^Approvers: +bob, carol$/m);
  assert.match(r.stdout, /^Expression \(match\):$/m);
});

test('feedback before the head push does not count; --now leaves out later feedback; exit 1', async () => {
  const early = pr({ comments: [{ author: 'bob', body: 'I approve', created_at: '2024-05-01T09:00:00Z' }] });
  const dir = repo({ '.checks-out': CONFIG, MAINTAINERS, 'early.json': early, 'pr.json': pr() });
  const r = await runCli(['simulate', '--pr', 'early.json'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Status: +pending "more approvals needed\. checks-out: carol"$/m);
  assert.match(r.stdout, /before the last push/);
  const asOf = await runCli(['simulate', '--pr', 'pr.json', '--now', '2024-05-01T10:30:00Z'], { cwd: dir });
  assert.equal(asOf.code, 1);
  assert.match(asOf.stdout, /^Status: +pending "more approvals needed\. checks-out: bob"$/m);
});

test('a blocked title and a disapproval are explained', async () => {
  const dir = repo({
    '.checks-out': CONFIG,
    MAINTAINERS,
    'wip.json': pr({ pull_request: { author: 'alice', title: 'WIP: x', base_branch: 'main', compare_branch: 'x' } }),
  });
  const r = await runCli(['simulate', '--pr', 'wip.json'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Status: +error "pull request title is blocking merge"$/m);
  assert.match(r.stdout, /^Title: +BLOCKED/m);
});

test('--format json: the decision as one object', async () => {
  const dir = repo({ '.checks-out': CONFIG, MAINTAINERS, 'pr.json': pr() });
  const r = await runCli(['simulate', '--pr', 'pr.json', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 0);
  const report = JSON.parse(r.stdout);
  assert.equal(report.approved, true);
  assert.deepEqual(report.policy, { position: 1, name: 'two' });
  assert.deepEqual(report.approvers, ['bob', 'carol']);
  assert.deepEqual(report.disapprovers, []);
  assert.equal(report.state, 'success');
  assert.equal(report.description, 'approved by bob,carol');
  assert.equal(typeof report.explanation, 'object');
  assert.equal(report.explanation.feedback.length, 2);
  assert.equal(report.explanation.feedback[0].item.at, '2024-05-01T10:00:00.000Z');
});

test('PR file problems: path and message for each, exit 2', async () => {
  const bad = JSON.stringify({
    pull_request: { author: '', title: 3, base_branch: 'main', compare_branch: 'x' },
    commits: [{ parents: 'p1', committed_at: 'yesterday' }],
    reveiws: [],
  });
  const dir = repo({ '.checks-out': CONFIG, MAINTAINERS, 'bad.json': bad, 'broken.json': '{"pull_request":' });
  const r = await runCli(['simulate', '--pr', 'bad.json'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr.trim().split('\n'), [
    'bad.json: pull_request.author: must not be empty',
    'bad.json: pull_request.title: Invalid input: expected string, received number',
    'bad.json: commits[0].parents: expected an array of parent SHAs or a count',
    'bad.json: commits[0].committed_at: Invalid ISO datetime',
    'bad.json: (top level): Unrecognized key: "reveiws"',
  ]);
  const broken = await runCli(['simulate', '--pr', 'broken.json'], { cwd: dir });
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /^broken\.json: \(top level\): not valid JSON/);
  const missing = await runCli(['simulate', '--pr', 'absent.json'], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'checks-out simulate: absent.json: no such file\n');
});

test('configuration errors stop the simulation: exit 2 with the located errors', async () => {
  const dir = repo({ '.checks-out': '{ approvals: [ { match: "ghost[count=1]" } ] }', MAINTAINERS, 'pr.json': pr() });
  const r = await runCli(['simulate', '--pr', 'pr.json'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^\.checks-out:1:26: policy 1 match: ghost must be either org or person$/m);
});

test('bad usage: exit 2', async () => {
  const dir = repo({ '.checks-out': CONFIG, MAINTAINERS, 'pr.json': pr() });
  for (const args of [[], ['--pr', 'pr.json', '--now', 'yesterday'], ['--pr', 'pr.json', '--format', 'yaml'], ['--pr', 'pr.json', 'x']]) {
    const r = await runCli(['simulate', ...args], { cwd: dir });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^checks-out simulate: /);
  }
});

test('the shipped example runs', async () => {
  const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
  const r = await runCli(['simulate', '--pr', 'pr.json'], { cwd: examples });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^Policy: #3 "default"/m);
  const v = await runCli(['validate'], { cwd: examples });
  assert.equal(v.code, 0, v.stdout);
  assert.ok(JSON.parse(readFileSync(join(examples, 'pr.json'), 'utf8')).pull_request);
  const directives = join(examples, 'directives');
  const d = await runCli(['validate', '--members', 'members.json'], { cwd: directives });
  assert.equal(d.stdout, '.checks-out and MAINTAINERS: valid\n');
  const s = await runCli(['simulate', '--members', 'members.json', '--pr', '../pr.json'], { cwd: directives });
  assert.equal(s.code, 0, s.stdout + s.stderr);
});

test('an "Update branch" merge does not move the cutoff when base_shas identify it', async () => {
  const commits = [
    { sha: 'c1', author: 'alice', committer: 'Alice', parents: ['b0'], committed_at: '2024-05-01T09:00:00Z' },
    { sha: 'm1', author: 'alice', committer: 'GitHub', parents: ['c1', 'b1'], committed_at: '2024-05-01T12:00:00Z' },
  ];
  const snapshot = (extra: Record<string, unknown>) => pr({
    commits,
    comments: [{ author: 'bob', body: 'I approve', created_at: '2024-05-01T10:00:00Z' }],
    reviews: [{ author: 'carol', state: 'APPROVED', submitted_at: '2024-05-01T10:30:00Z' }],
    head_pushed_at: '2024-05-01T12:00:00Z',
    ...extra,
  });
  const dir = repo({
    '.checks-out': CONFIG,
    MAINTAINERS,
    'walk.json': snapshot({ base_shas: ['b1'], push_times: { c1: '2024-05-01T09:05:00Z' } }),
    'nowalk.json': snapshot({}),
  });
  const walked = await runCli(['simulate', '--pr', 'walk.json'], { cwd: dir });
  assert.equal(walked.code, 0, walked.stdout);
  assert.match(walked.stdout, /skipped UI merges m1/);
  const notWalked = await runCli(['simulate', '--pr', 'nowalk.json'], { cwd: dir });
  assert.equal(notWalked.code, 1);
});

test('a legacy .lgtm repository is simulated with the legacy pattern', async () => {
  const legacyPr = pr({ comments: [{ author: 'bob', body: 'LGTM!', created_at: '2024-05-01T10:00:00Z' }], reviews: [] });
  const dir = repo({ '.lgtm': 'approvals = 1\n', MAINTAINERS, 'pr.json': legacyPr });
  const r = await runCli(['simulate', '--pr', 'pr.json'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^Status: +success "approved by bob"$/m);
});
