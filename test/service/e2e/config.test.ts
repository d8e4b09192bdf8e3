/** Broken policies end to end: located problems become check-run annotations on the exact line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWorld } from './harness.js';

test('config errors: an invalid .checks-out is annotated on the exact line and the status says why', async () => {
  const config = '{\n  approvals: [\n    { match: "all[count=1] and" }\n  ]\n}\n';
  await withWorld({ config }, async (w) => {
    const pr = await w.openPull();
    const status = await w.status(pr.number);
    assert.equal(status?.state, 'error');
    assert.match(status?.description ?? '', /^Parsing \.checks-out file\. /);
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.equal(run?.title, status?.description, 'the title is the status text');
    assert.match(run?.summary ?? '', /approval policy of the default branch \(`main`\) is invalid/);
    assert.equal(run?.annotations.length, 1);
    const a = run!.annotations[0];
    assert.equal(a.path, '.checks-out');
    assert.equal(a.start_line, 3);
    assert.equal(a.annotation_level, 'failure');
    assert.match(a.message, /Unable to parse approval policy/);
  });
});

test('config errors: a bad MAINTAINERS line is annotated on that line', async () => {
  await withWorld({ maintainers: 'bob\ncarol\n   \ndave\n' }, async (w) => {
    const pr = await w.openPull();
    assert.equal((await w.status(pr.number))?.state, 'error');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    const a = run?.annotations.find((x) => x.path === 'MAINTAINERS');
    assert.equal(a?.start_line, 3, JSON.stringify(run?.annotations));
    assert.match(a?.message ?? '', /Unable to parse line/);
  });
});

test('config errors: a missing .checks-out is reported without annotations', async () => {
  await withWorld({ config: null }, async (w) => {
    const pr = await w.openPull();
    assert.deepEqual(await w.status(pr.number), { state: 'error', description: 'Parsing .checks-out file. .checks-out file not found', creator: 'checks-out[bot]' });
    assert.deepEqual(w.checkRun(pr.number)?.annotations, []);
  });
});

test('config changed in the PR: the PR\'s broken version is annotated while the default branch still decides', async () => {
  await withWorld({}, async (w) => {
    const broken = '{\n  approvals: [\n    { match: "all[count=1]" }\n    { match: "nobody[count=1]", scope: { branches: ["x"] } }\n  ]\n}\n';
    const pr = await w.openPull({ files: { '.checks-out': broken } });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.summary ?? '', /This pull request's version of the policy files is invalid/);
    assert.ok((run?.annotations.length ?? 0) >= 1, JSON.stringify(run));
    for (const a of run!.annotations) {
      assert.equal(a.path, '.checks-out');
      assert.equal(a.annotation_level, 'failure');
    }
    assert.ok(run!.annotations.some((a) => a.start_line === 4), JSON.stringify(run!.annotations));

    // Fixing it in the PR clears the failure.
    await w.push('feature', { '.checks-out': '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n' });
    await w.comment(pr.number, 'bob', 'I approve');
    const fixed = w.checkRun(pr.number);
    assert.equal(fixed?.conclusion, 'success');
    assert.deepEqual(fixed?.annotations, []);
  });
});

test('config errors: more than 50 problems are all annotated (sent 50 per request)', async () => {
  const policies = Array.from({ length: 60 }, (_, i) => `    { name: "p${i}", scope: { branches: ["b${i}"] }, match: "a and" }`);
  const config = `{\n  approvals: [\n${policies.join('\n')}\n    { match: "all[count=1]" }\n  ]\n}\n`;
  await withWorld({ config }, async (w) => {
    const pr = await w.openPull();
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.equal(run?.annotations.length, 60);
    assert.deepEqual(
      run!.annotations.map((a) => a.start_line).sort((a, b) => a - b),
      Array.from({ length: 60 }, (_, i) => i + 3),
    );
    assert.match((await w.status(pr.number))?.description ?? '', /\(and 59 more\)$/);
  });
});

test('config errors: a huge non-ASCII expression still completes the run with the error (UTF-8 byte limits)', async () => {
  // 40,000 × "é" is 80,000 bytes: the full message would exceed the 64 KB annotation limit.
  const config = `{\n  approvals: [\n    { match: "${'é'.repeat(40_000)} and" }\n  ]\n}\n`;
  await withWorld({ config }, async (w) => {
    const pr = await w.openPull();
    const status = await w.status(pr.number);
    assert.equal(status?.state, 'error');
    assert.match(status?.description ?? '', /^Parsing \.checks-out file\. /);
    const run = w.checkRun(pr.number);
    assert.equal(run?.status, 'completed');
    assert.equal(run?.conclusion, 'failure');
    assert.equal(run?.title, status?.description);
    assert.ok(Buffer.byteLength(run?.summary ?? '') <= 65_535);
    assert.match(run?.summary ?? '', /Unable to parse approval policy/);
    assert.equal(run?.annotations.length, 1, JSON.stringify(run?.annotations.map((a) => a.start_line)));
    const a = run!.annotations[0];
    assert.equal(a.start_line, 3);
    assert.ok(Buffer.byteLength(a.message) <= 64 * 1024);
    assert.match(a.message, /^Unable to parse approval policy 'é+/);
    assert.match(a.message, /truncated/);
  });
});

test('config errors: a hostile message cannot break out of the summary\'s code block', async () => {
  const config = '{\n  approvals: [\n    { match: "a and\\n````\\n# injected <img src=x onerror=alert(1)>\\n```" }\n  ]\n}\n';
  await withWorld({ config }, async (w) => {
    const pr = await w.openPull();
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    const summary = run?.summary ?? '';
    assert.match(summary, /# injected/);
    // Only our own fences: no line of the message can open or close one.
    const lines = summary.split('\n');
    const fences = lines.flatMap((l, i) => (/^ {0,3}(`{3,}|~{3,})/.test(l) ? [i] : []));
    assert.deepEqual(fences.map((i) => lines[i]), ['```', '```'], summary);
    const injected = lines.findIndex((l) => l.startsWith('# injected'));
    assert.ok(fences[0] < injected && injected < fences[1], 'the hostile lines stay inside the code block');
  });
});

const BROKEN_AT_3 = '{\n  approvals: [\n    { match: "all[count=1] and" }\n  ]\n}\n';

test('config errors on the default branch and in the PR: annotations are the PR\'s own; the default branch\'s are in the summary', async () => {
  await withWorld({ config: BROKEN_AT_3 }, async (w) => {
    // The PR's version is broken elsewhere (line 5): the default branch's line 3 is fine on the PR head.
    const prVersion = '{\n  approvals: [\n    { match: "all[count=1]" }\n    {\n      match: "x or"\n    }\n  ]\n}\n';
    const pr = await w.openPull({ files: { '.checks-out': prVersion } });
    const status = await w.status(pr.number);
    assert.match(status?.description ?? '', /^Parsing \.checks-out file\. /);
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.equal(run?.title, status?.description);
    assert.deepEqual(run?.annotations.map((a) => [a.path, a.start_line, a.annotation_level]), [['.checks-out', 5, 'failure']], JSON.stringify(run?.annotations));
    const summary = run?.summary ?? '';
    assert.match(summary, /the approval policy of the default branch/);
    assert.match(summary, /`\.checks-out` on the default branch \(`main`\)\. This pull request changes that file, so they are not annotated\./);
    assert.match(summary, /\.checks-out:3:\d+: Unable to parse approval policy 'all\[count=1\] and'/);
    assert.match(summary, /\.checks-out:5:\d+: Unable to parse approval policy 'x or'/);
  });
});

test('config errors on the default branch, PR does not touch the policy: the default branch\'s problems are annotated', async () => {
  await withWorld({ config: BROKEN_AT_3 }, async (w) => {
    const pr = await w.openPull({ files: { 'src/x.ts': 'x' } });
    const run = w.checkRun(pr.number);
    assert.deepEqual(run?.annotations.map((a) => [a.path, a.start_line]), [['.checks-out', 3]]);
  });
});

test('config errors on the default branch, fixed in the PR: nothing is annotated on the fixed file', async () => {
  await withWorld({ config: BROKEN_AT_3 }, async (w) => {
    const pr = await w.openPull({ files: { '.checks-out': '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n' } });
    const run = w.checkRun(pr.number);
    assert.equal(run?.conclusion, 'failure');
    assert.deepEqual(run?.annotations, []);
    assert.match(run?.summary ?? '', /\.checks-out:3:\d+: Unable to parse approval policy/);
  });
});
