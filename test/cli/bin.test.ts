/** The real executable, spawned as a user would run it: exit codes and streams end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/checks-out.js', import.meta.url));
const vectors = fileURLToPath(new URL('../../../shared/conformance/checks-out-vectors.json', import.meta.url));

function run(args: string[], cwd?: string, input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bin: validate and simulate on a temporary repository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'co-bin-'));
  writeFileSync(join(dir, '.checks-out'), '{ approvals: [ { match: "all[count=1,self=false]" } ] }');
  writeFileSync(join(dir, 'MAINTAINERS'), 'alice\nbob\n');
  writeFileSync(join(dir, 'pr.json'), JSON.stringify({
    pull_request: { author: 'alice', title: 't', base_branch: 'main', compare_branch: 'f' },
    comments: [{ author: 'bob', body: 'I approve', created_at: '2024-01-01T00:00:00Z' }],
  }));
  const v = run(['validate'], dir);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout, '.checks-out and MAINTAINERS: valid\n');
  const s = run(['simulate', '--pr', '-', '--format', 'json'], dir, JSON.stringify({
    pull_request: { author: 'alice', title: 't', base_branch: 'main', compare_branch: 'f' },
    comments: [{ author: 'bob', body: 'I approve', created_at: '2024-01-01T00:00:00Z' }],
  }));
  assert.equal(s.code, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).description, 'approved by bob');
  const bad = run(['validate', '--format', 'xml'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be text or json/);
});

test('bin: conformance --json on the shared vectors prints one JSON object; unreadable file exits 2', () => {
  const r = run(['conformance', vectors, '--json']);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.total, summary.passed + summary.failed + summary.skipped);
  assert.equal(r.code, summary.failed === 0 && summary.skipped === 0 ? 0 : 1);
  const missing = run(['conformance', join(tmpdir(), 'no-such-vectors.json')]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /cannot read/);
});

test('bin: command help and unknown command', () => {
  const help = run(['simulate', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: checks-out simulate --pr F/);
  assert.equal(run(['no-such-command']).code, 2);
});
