/**
 * What a head's check runs show over time: GitHub appends annotations on every update, so a run that carries
 * annotations the latest report no longer has is replaced by a new run rather than updated; and an attempt
 * that fails after opening its run `in_progress` leaves no run behind that nobody completes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../helpers/databases.js';
import { REPO, RUN_NAME, withWorld, type World } from './harness.js';

const CREATE_RUN = 'POST /repos/{owner}/{repo}/check-runs';

/** Every run named checks-out on the PR head, as GitHub lists them with `filter=all` (newest first). */
async function allRuns(w: World, pr: number): Promise<{ id: number; status: string; conclusion: string | null; annotations: number }[]> {
  const [owner, repo] = REPO.split('/');
  const { data } = await w.as('owner').rest.checks.listForRef({ owner, repo, ref: w.headSha(pr), filter: 'all', per_page: 100 });
  return data.check_runs
    .filter((r) => r.name === RUN_NAME)
    .map((r) => ({ id: r.id, status: r.status, conclusion: r.conclusion, annotations: r.output.annotations_count }))
    .sort((a, b) => b.id - a.id);
}

test('a broken default-branch policy fixed on main: the next evaluation shows success with no stale annotation', async () => {
  await withWorld({ config: '{\n  approvals: [\n    { match: "all[count=1] and" }\n  ]\n}\n' }, async (w) => {
    const pr = await w.openPull();
    const broken = w.checkRun(pr.number);
    assert.equal(broken?.conclusion, 'failure');
    assert.equal(broken?.annotations.length, 1);

    await w.push('main', { '.checks-out': '{ approvals: [ { match: "all[count=1,self=false]" } ] }\n' });
    await w.comment(pr.number, 'bob', 'I approve');
    assert.equal((await w.status(pr.number))?.description, 'approved by bob');
    const fixed = w.checkRun(pr.number);
    assert.equal(fixed?.conclusion, 'success');
    assert.deepEqual(fixed?.annotations, [], 'the failure annotation of the broken policy is gone');
    assert.notEqual(fixed?.id, broken?.id, 'a new run: the annotated one cannot be cleared');
    const runs = await allRuns(w, pr.number);
    assert.deepEqual(runs[0], { id: fixed!.id, status: 'completed', conclusion: 'success', annotations: 0 });
    assert.ok(runs.every((r) => r.status === 'completed'), JSON.stringify(runs));

    // From then on the clean run is updated in place (one PATCH, no new run).
    const before = w.evaluations.length;
    await w.comment(pr.number, 'carol', 'thanks');
    const next = w.evaluations.slice(before).filter((e) => e.pr === pr.number);
    assert.equal(next.length, 1);
    assert.equal(next[0].calls[CREATE_RUN], undefined, JSON.stringify(next[0].calls));
    assert.equal(w.checkRun(pr.number)?.id, fixed!.id);
  });
});

test('the same annotations again: the run is updated without sending them twice', async () => {
  await withWorld({ config: '{\n  approvals: [\n    { match: "all[count=1] and" }\n  ]\n}\n' }, async (w) => {
    const pr = await w.openPull();
    const first = w.checkRun(pr.number);
    assert.equal(first?.annotations.length, 1);
    const before = w.evaluations.length;
    await w.comment(pr.number, 'bob', 'I approve');
    const e = w.evaluations.slice(before).filter((x) => x.pr === pr.number);
    assert.equal(e.length, 1);
    assert.equal(e[0].calls[CREATE_RUN], undefined, JSON.stringify(e[0].calls));
    const again = w.checkRun(pr.number);
    assert.equal(again?.id, first?.id);
    assert.equal(again?.annotations.length, 1, JSON.stringify(again?.annotations));
  });
});

test('an attempt that fails after opening its run: the retry completes that run, none stays in_progress', async () => {
  await withWorld({}, async (w) => {
    // One attempt's worth of 503s (the client retries 3 times) on a read made after the run is opened.
    w.lg.faults.add({ method: 'GET', path: '/repos/acme/widgets/pulls/*/reviews', kind: 'status', status: 503, times: 4 });
    const pr = await w.openPull();
    assert.ok(w.jobErrors.length >= 1, 'the first attempt failed');
    assert.equal((await w.status(pr.number))?.description, 'no approvals received');
    const runs = await allRuns(w, pr.number);
    assert.equal(runs.length, 1, JSON.stringify(runs));
    assert.equal(runs[0].status, 'completed');
    assert.equal(runs[0].conclusion, 'action_required');
  });
});

for (const kind of testDatabases()) {
  test(`attempts used up: the error report completes the opened run, which a restarted pipeline later updates (${kind.name})`, { skip: kind.skip }, async () => {
    await withWorld({ db: kind }, async (w) => {
      w.lg.faults.add({ method: 'GET', path: '/repos/acme/widgets/pulls/*/reviews', kind: 'status', status: 503, times: 4 * 3 });
      const pr = await w.openPull();
      assert.equal((await w.status(pr.number))?.state, 'error');
      w.lg.faults.clear();
      await w.restartPipeline();
      await w.comment(pr.number, 'bob', 'I approve');
      assert.equal((await w.status(pr.number))?.description, 'approved by bob');
      const runs = await allRuns(w, pr.number);
      assert.equal(runs.length, 1, JSON.stringify(runs));
      assert.deepEqual([runs[0].status, runs[0].conclusion], ['completed', 'success']);
    });
  });
}
