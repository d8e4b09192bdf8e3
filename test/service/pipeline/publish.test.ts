import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckRunWrite, PrGitHub, StatusWrite } from '../../../src/service/pipeline/github-port.js';
import { publishReport } from '../../../src/service/pipeline/publish.js';
import { errorReport, type Report } from '../../../src/service/pipeline/check-output.js';

const REF = { owner: 'acme', repo: 'w' };
const SHA = 'a'.repeat(40);
const options = { checkRunName: 'checks-out', statusContext: 'approvals/checks-out', now: () => 0 };

/** Records the writes; check runs that do not exist answer 404 like GitHub. */
function writesPort() {
  const runs = new Map<number, Partial<CheckRunWrite>>();
  const log: string[] = [];
  let next = 100;
  const port = {
    async createCheckRun(_ref, run) {
      runs.set(++next, run);
      log.push(`create ${next}`);
      return next;
    },
    async updateCheckRun(_ref, id, run) {
      log.push(`update ${id}`);
      if (!runs.has(id)) throw Object.assign(new Error('Not Found'), { status: 404 });
      runs.set(id, { ...runs.get(id), ...run });
    },
    async createStatus(_ref, s: StatusWrite) {
      log.push(`status ${s.state}`);
    },
  } as Pick<PrGitHub, 'createCheckRun' | 'updateCheckRun' | 'createStatus'> as PrGitHub;
  return { port, runs, log };
}

const plain: Report = errorReport('boom');

test('a reused run is updated; one that no longer exists is replaced by a new run', async () => {
  const w = writesPort();
  const first = await publishReport(w.port, REF, SHA, plain, undefined, options);
  assert.equal(first, 101);
  assert.equal(await publishReport(w.port, REF, SHA, plain, first, options, true), 101);
  w.runs.clear(); // deleted on GitHub's side
  assert.equal(await publishReport(w.port, REF, SHA, plain, first, options, true), 102);
  assert.deepEqual(w.log, ['create 101', 'status error', 'update 101', 'status error', 'update 101', 'create 102', 'status error']);
});

test('a 404 on a run opened for this evaluation is not papered over', async () => {
  const w = writesPort();
  await assert.rejects(publishReport(w.port, REF, SHA, plain, 7, options), /Not Found/);
  assert.deepEqual(w.log, ['update 7']);
});

test('a report with annotations never goes on a reused run (GitHub would append them to the old ones)', async () => {
  const w = writesPort();
  const annotated: Report = { ...plain, check: { ...plain.check, annotations: [{ path: '.checks-out', start_line: 1, end_line: 1, annotation_level: 'failure', message: 'bad' }] } };
  const first = await publishReport(w.port, REF, SHA, annotated, undefined, options);
  assert.equal(await publishReport(w.port, REF, SHA, annotated, first, options, true), 102);
  assert.equal(await publishReport(w.port, REF, SHA, plain, 102, options, true), 102, 'without annotations it is updated');
  assert.deepEqual(w.log, ['create 101', 'status error', 'create 102', 'status error', 'update 102', 'status error']);
});

test('token mode (no check runs): only the status, and no run id', async () => {
  const w = writesPort();
  const statusOnly = { createStatus: w.port.createStatus } as PrGitHub;
  assert.equal(await publishReport(statusOnly, REF, SHA, plain, undefined, options), undefined);
  assert.deepEqual(w.log, ['status error']);
});
