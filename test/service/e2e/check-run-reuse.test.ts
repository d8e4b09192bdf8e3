/**
 * The check run opened on a head is remembered in the database: after a restart (or on another thread or
 * process) a later evaluation of the same head updates it instead of opening another (POST + PATCH), as
 * long as nobody else reported on the PR since. SQLite and PostgreSQL.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checksFor } from '../../../src/local-github/checks/index.js';
import { recordDecision } from '../../../src/service/store/decisions.js';
import { storedCheckRun } from '../../../src/service/store/check-runs.js';
import { testDatabases } from '../helpers/databases.js';
import { REPO, RUN_NAME, withWorld, type World } from './harness.js';

const CREATE_RUN = 'POST /repos/{owner}/{repo}/check-runs';
const UPDATE_RUN = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';
const STATUS = 'POST /repos/{owner}/{repo}/statuses/{sha}';

function writesOf(calls: Record<string, { requests: number }>): string[] {
  return Object.entries(calls)
    .filter(([route]) => route.startsWith('POST /repos/') || route.startsWith('PATCH /repos/'))
    .flatMap(([route, c]) => Array<string>(c.requests).fill(route))
    .sort();
}

/** The runs named checks-out on the PR head that GitHub lists (the newest of each suite). */
function runsOnHead(w: World, pr: number): { id: number; status: string; conclusion: string | null }[] {
  return checksFor(w.lg.ctx)!
    .runsForCommit(w.lg.admin.repo(REPO), w.headSha(pr))
    .filter((r) => r.name === RUN_NAME)
    .map((r) => ({ id: r.id, status: r.status, conclusion: r.conclusion }));
}

async function evaluationOf(w: World, pr: number, fn: () => Promise<unknown>) {
  const before = w.evaluations.length;
  await fn();
  const mine = w.evaluations.slice(before).filter((e) => e.pr === pr);
  assert.equal(mine.length, 1, JSON.stringify(mine));
  return mine[0];
}

for (const kind of testDatabases()) {
  describe(`check-run ids persisted (${kind.name})`, { skip: kind.skip }, () => {
    test('after a restart the next comment updates the run already on the head: no POST, one run', async () => {
      await withWorld({ db: kind }, async (w) => {
        const pr = await w.openPull();
        await w.comment(pr.number, 'carol', 'looks good so far');
        const [run] = runsOnHead(w, pr.number);
        assert.ok(run);
        assert.deepEqual(await storedCheckRun(w.sdb, REPO, w.headSha(pr.number), RUN_NAME).then((s) => s?.runId), run.id);

        await w.restartPipeline();
        const e = await evaluationOf(w, pr.number, () => w.comment(pr.number, 'bob', 'I approve'));
        // The restarted process knew nothing in memory: the run id came from the database.
        assert.deepEqual(writesOf(e.calls), [UPDATE_RUN, STATUS].sort(), JSON.stringify(e.calls));
        assert.deepEqual(runsOnHead(w, pr.number), [{ id: run.id, status: 'completed', conclusion: 'success' }]);
        assert.equal((await w.status(pr.number))?.state, 'success');

        // Warm again: the next comment costs the usual 3 rate-limited calls, on the same run.
        const warm = await evaluationOf(w, pr.number, () => w.comment(pr.number, 'carol', 'thanks'));
        assert.equal(warm.rateLimitCost, 3, JSON.stringify(warm.calls));
        assert.deepEqual(writesOf(warm.calls), [UPDATE_RUN, STATUS].sort());
        assert.equal(runsOnHead(w, pr.number).length, 1);
      });
    });

    test('a run is not reused once someone else reported on the PR since (the stored decision is no longer the latest)', async () => {
      await withWorld({ db: kind }, async (w) => {
        const pr = await w.openPull();
        const head = w.headSha(pr.number);
        const [first] = runsOnHead(w, pr.number);
        assert.ok(first);
        // Another instance decided on this head and posted its own run (not recorded against ours).
        await recordDecision(w.sdb, {
          repo: REPO, prNumber: pr.number, headSha: head, policy: null, approvers: [], disapprovers: [], configHash: null,
          state: 'pending', description: 'elsewhere', decidedAt: w.clock.now() + 1, deliveries: ['other-instance'],
        });
        await w.restartPipeline();
        const e = await evaluationOf(w, pr.number, () => w.comment(pr.number, 'bob', 'I approve'));
        assert.equal(e.calls[CREATE_RUN]?.requests, 1, JSON.stringify(e.calls));
        const [shown] = runsOnHead(w, pr.number);
        assert.ok(shown && shown.id > first.id, 'a new run, so the newest one shows the latest decision');
        assert.equal(shown.conclusion, 'success');
        const stored = await storedCheckRun(w.sdb, REPO, head, RUN_NAME);
        assert.equal(stored?.runId, shown.id, 'the new run is the one stored');
        // And from then on that run is reused.
        const next = await evaluationOf(w, pr.number, () => w.comment(pr.number, 'carol', 'thanks'));
        assert.equal(next.calls[CREATE_RUN], undefined, JSON.stringify(next.calls));
      });
    });
  });
}
