import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'co-convert-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const LGTM = 'approvals = 3\npattern = "LOOKGOOD"\nself_approval_off = true\n';

test('converts ./.lgtm by default to the served .checks-out text', async () => {
  const r = await runCli(['convert'], { cwd: dirWith({ '.lgtm': LGTM }) });
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  assert.ok(r.stdout.startsWith('{\n  approvals:\n  [\n    {\n      match: "all[count=3,self=false]"\n    }\n  ]\n  pattern: "LOOKGOOD"\n'), r.stdout);
  assert.ok(r.stdout.endsWith('}\n'));
});

test('the output is itself a valid .checks-out', async () => {
  const dir = dirWith({ 'old.lgtm': LGTM, MAINTAINERS: 'alice\n' });
  const converted = await runCli(['convert', 'old.lgtm'], { cwd: dir });
  writeFileSync(join(dir, '.checks-out'), converted.stdout);
  const r = await runCli(['validate'], { cwd: dir });
  assert.equal(r.stdout, '.checks-out and MAINTAINERS: valid\n');
});

test('reads standard input with -', async () => {
  const r = await runCli(['convert', '-'], { stdin: 'approvals = 1\n' });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /match: "all\[count=1,self=true\]"/);
});

test('the environment supplies what the legacy file leaves out', async () => {
  const saved = process.env.CHECKS_OUT_APPROVALS;
  process.env.CHECKS_OUT_APPROVALS = '5';
  try {
    const r = await runCli(['convert', '-'], { stdin: '' });
    assert.match(r.stdout, /all\[count=5,self=true\]/);
    process.env.CHECKS_OUT_APPROVALS = 'five';
    const bad = await runCli(['convert', '-'], { stdin: '' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /CHECKS_OUT_APPROVALS: "five" is not an integer/);
  } finally {
    if (saved === undefined) delete process.env.CHECKS_OUT_APPROVALS;
    else process.env.CHECKS_OUT_APPROVALS = saved;
  }
});

test('an invalid .lgtm: located error on stderr, exit 1', async () => {
  const r = await runCli(['convert', '-'], { stdin: 'approvals = "three"\n' });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^\.lgtm:1:\d+: .*approvals/);
  const syntax = await runCli(['convert', '-'], { stdin: 'approvals = = \n' });
  assert.equal(syntax.code, 1);
});

test('missing file or bad usage: exit 2', async () => {
  const dir = dirWith({});
  let r = await runCli(['convert'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'checks-out convert: .lgtm: no such file\n');
  r = await runCli(['convert', 'a', 'b'], { cwd: dir });
  assert.equal(r.code, 2);
  r = await runCli(['convert', '--json'], { cwd: dir });
  assert.equal(r.code, 2);
});
