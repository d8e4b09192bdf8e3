import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckRunWrite, PrGitHub, StatusWrite } from '../../../src/service/pipeline/github-port.js';
import { annotationsDigest, placement, publishReport, type KnownRun } from '../../../src/service/pipeline/publish.js';
import { errorReport, type Report } from '../../../src/service/pipeline/check-output.js';

const REF = { owner: 'acme', repo: 'w' };
const SHA = 'a'.repeat(40);
const options = { checkRunName: 'checks-out', statusContext: 'approvals/checks-out', now: () => 0 };

/** Records the writes; check runs that do not exist answer 404 like GitHub. */
function writesPort() {
  const runs = new Map<number, Partial<CheckRunWrite>>();
  const log: string[] = [];
  const updates: Partial<CheckRunWrite>[] = [];
  let next = 100;
  const port = {
    async createCheckRun(_ref, run) {
      runs.set(++next, run);
      log.push(`create ${next}`);
      return next;
    },
    async updateCheckRun(_ref, id, run) {
      log.push(`update ${id}`);
      updates.push(run);
      if (!runs.has(id)) throw Object.assign(new Error('Not Found'), { status: 404 });
      runs.set(id, { ...runs.get(id), ...run });
    },
    async createStatus(_ref, s: StatusWrite) {
      log.push(`status ${s.state}`);
    },
  } as Pick<PrGitHub, 'createCheckRun' | 'updateCheckRun' | 'createStatus'> as PrGitHub;
  return { port, runs, log, updates };
}

const plain: Report = errorReport('boom');
const annotation = (message: string) => ({ path: '.checks-out', start_line: 1, end_line: 1, annotation_level: 'failure' as const, message });
const annotated = (...messages: string[]): Report => ({ ...plain, check: { ...plain.check, annotations: messages.map(annotation) } });
/** A run an earlier evaluation left, carrying the annotations of `report` (undefined: not known). */
const earlier = (id: number, report?: Report): KnownRun => ({ id, annotations: report && annotationsDigest(report.check.annotations), earlier: true });

test('a reused run is updated; one that no longer exists is replaced by a new run', async () => {
  const w = writesPort();
  const first = await publishReport(w.port, REF, SHA, plain, undefined, options);
  assert.equal(first, 101);
  assert.equal(await publishReport(w.port, REF, SHA, plain, earlier(101, plain), options), 101);
  w.runs.clear(); // deleted on GitHub's side
  assert.equal(await publishReport(w.port, REF, SHA, plain, earlier(101, plain), options), 102);
  assert.deepEqual(w.log, ['create 101', 'status error', 'update 101', 'status error', 'update 101', 'create 102', 'status error']);
});

test('a 404 on a run opened for this evaluation is not papered over', async () => {
  const w = writesPort();
  await assert.rejects(publishReport(w.port, REF, SHA, plain, { id: 7, annotations: '', earlier: false }, options), /Not Found/);
  assert.deepEqual(w.log, ['update 7']);
});

test('a run carrying annotations the report does not have is replaced: GitHub cannot remove them', async () => {
  const w = writesPort();
  const broken = annotated('bad');
  assert.equal(await publishReport(w.port, REF, SHA, broken, undefined, options), 101);
  // Fixed: no annotations now, but run 101 would keep showing the old one.
  assert.equal(await publishReport(w.port, REF, SHA, plain, earlier(101, broken), options), 102);
  assert.equal(w.runs.get(102)?.output?.annotations, undefined);
  // Other annotations: a new run too (they would be appended to the old ones).
  assert.equal(await publishReport(w.port, REF, SHA, annotated('worse'), earlier(101, broken), options), 103);
  assert.deepEqual(w.runs.get(103)?.output?.annotations?.map((a) => a.message), ['worse']);
  assert.deepEqual(w.log, ['create 101', 'status error', 'create 102', 'status error', 'create 103', 'status error']);
});

test('the same annotations again: the run is updated without sending them (they are still there)', async () => {
  const w = writesPort();
  const broken = annotated('bad');
  await publishReport(w.port, REF, SHA, broken, undefined, options);
  w.runs.set(101, { ...w.runs.get(101), output: { title: 't', summary: 's', annotations: [annotation('bad')] } });
  assert.equal(await publishReport(w.port, REF, SHA, broken, earlier(101, broken), options), 101);
  assert.deepEqual(w.log, ['create 101', 'status error', 'update 101', 'status error']);
  assert.equal(w.updates.at(-1)?.output?.annotations, undefined, 'no annotation sent twice');
});

test('a run carrying none takes the report\'s annotations (appended to nothing); unknown ones mean a new run', async () => {
  const w = writesPort();
  const opened = { id: 50, annotations: '', earlier: false };
  w.runs.set(50, {});
  assert.equal(await publishReport(w.port, REF, SHA, annotated('bad'), opened, options), 50);
  assert.deepEqual(w.updates.at(-1)?.output?.annotations?.map((a) => a.message), ['bad']);
  assert.equal(await publishReport(w.port, REF, SHA, plain, earlier(50), options), 101, 'what run 50 carries is not known');
  assert.deepEqual(w.log, ['update 50', 'status error', 'create 101', 'status error']);
});

test('more than 50 annotations: the first 50 with the run, the rest 50 per update; a 404 on a kept run re-sends them all', async () => {
  const w = writesPort();
  const many = annotated(...Array.from({ length: 120 }, (_, i) => `p${i}`));
  assert.equal(await publishReport(w.port, REF, SHA, many, undefined, options), 101);
  assert.deepEqual(w.log, ['create 101', 'update 101', 'update 101', 'status error']);
  assert.deepEqual(w.updates.map((u) => u.output?.annotations?.length), [50, 20]);
  w.runs.clear();
  w.log.length = 0;
  assert.equal(await publishReport(w.port, REF, SHA, many, earlier(101, many), options), 102);
  assert.deepEqual(w.log, ['update 101', 'create 102', 'update 102', 'update 102', 'status error']);
  // The kept run was PATCHed with none; the new one got them all again.
  assert.deepEqual(w.updates.slice(2).map((u) => u.output?.annotations?.length), [undefined, 50, 20]);
});

test('placement: the decision table', () => {
  const broken = annotated('bad');
  assert.equal(placement(undefined, plain), 'create');
  assert.equal(placement(earlier(1), plain), 'create');
  assert.equal(placement(earlier(1, plain), plain), 'update');
  assert.equal(placement(earlier(1, plain), broken), 'update');
  assert.equal(placement(earlier(1, broken), broken), 'keep');
  assert.equal(placement(earlier(1, broken), plain), 'create');
  assert.equal(placement(earlier(1, broken), annotated('bad', 'worse')), 'create');
  assert.equal(annotationsDigest([]), '');
  assert.notEqual(annotationsDigest([annotation('a')]), annotationsDigest([annotation('b')]));
});

test('token mode (no check runs): only the status, and no run id', async () => {
  const w = writesPort();
  const statusOnly = { createStatus: w.port.createStatus } as PrGitHub;
  assert.equal(await publishReport(statusOnly, REF, SHA, plain, undefined, options), undefined);
  assert.deepEqual(w.log, ['status error']);
});

test('a lost lease stops the writes where it is noticed', async () => {
  const w = writesPort();
  let current = true;
  const guarded = { ...options, assertCurrent: () => { if (!current) throw new Error('lease lost'); } };
  const many = annotated(...Array.from({ length: 60 }, (_, i) => `p${i}`));
  const port = { ...w.port, createCheckRun: async (ref: typeof REF, run: CheckRunWrite) => { const id = await w.port.createCheckRun!(ref, run); current = false; return id; } } as PrGitHub;
  await assert.rejects(publishReport(port, REF, SHA, many, undefined, guarded), /lease lost/);
  assert.deepEqual(w.log, ['create 101'], 'neither the remaining annotations nor the status');
});
