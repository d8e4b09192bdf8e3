import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'co-conf-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

test('unreadable file: exit 2, message on stderr, no summary', async () => {
  const r = await runCli(['conformance', join(dir, 'absent.json')]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /cannot read .*absent\.json/);
});

test('not a vector file: exit 2', async () => {
  for (const content of ['not json', '[1,2]', '{"vectors": 3}']) {
    const r = await runCli(['conformance', file('bad.json', content)]);
    assert.equal(r.code, 2, content);
    assert.equal(r.stdout, '');
  }
});

test('usage errors: exit 2', async () => {
  assert.equal((await runCli(['conformance'])).code, 2);
  assert.equal((await runCli(['conformance', 'a', 'b'])).code, 2);
  assert.equal((await runCli(['conformance', '--bogus', 'a'])).code, 2);
  assert.equal((await runCli(['conformance', 'a', '--timeout', '-1'])).code, 2);
});

test('a file with only unknown kinds is run: skips reported, exit 1', async () => {
  const path = file('unknown.json', { vectors: [{ kind: 'future-kind', source: 'x.go', expect: { a: 1 } }] });
  const r = await runCli(['conformance', path]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'SKIP [0] future-kind x.go: unknown kind "future-kind"\nfuture-kind: 0 passed, 0 failed, 1 skipped\n0 passed, 0 failed, 1 skipped\n');
  const j = await runCli(['conformance', path, '--json']);
  assert.equal(j.code, 1);
  assert.deepEqual(JSON.parse(j.stdout), { total: 1, passed: 0, failed: 0, skipped: 1, byKind: { 'future-kind': { passed: 0, failed: 0, skipped: 1 } }, failures: [] });
});

test('an empty vector file passes with exit 0; standard input is read with -', async () => {
  const r = await runCli(['conformance', '-'], { stdin: '{"vectors": []}' });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '0 passed, 0 failed, 0 skipped\n');
});

test('--kind with no matching vector is a usage problem: exit 2', async () => {
  const path = file('k.json', { vectors: [{ kind: 'future-kind', expect: {} }] });
  const r = await runCli(['conformance', path, '--kind', 'glob']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no vector of kind glob/);
});

test('--timeout 0 runs in-process with the same report', async () => {
  const path = file('same.json', { vectors: [{ kind: 'future-kind', source: 'x.go', expect: { a: 1 } }] });
  const isolated = await runCli(['conformance', path]);
  const inProcess = await runCli(['conformance', path, '--timeout', '0']);
  assert.equal(inProcess.stdout, isolated.stdout);
  assert.equal(inProcess.code, 1);
});
