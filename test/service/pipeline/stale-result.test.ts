/**
 * "A stale result never overwrites a newer one": a job whose lease is lost mid-evaluation (it expired and
 * another worker took the PR's key with a newer delivery) makes no check-run or status write after that;
 * the newer job's result is what GitHub shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PrGitHub } from '../../../src/service/pipeline/github-port.js';
import { LeaseLost } from '../../../src/service/pipeline/handler.js';
import { LEASE_MS, REPO, withLocalPipeline, type LocalPipeline } from './local-pipeline.js';

const WRITES = new Set(['createCheckRun', 'updateCheckRun', 'createStatus', 'createIssueComment']);

/**
 * Records every write with the phase it happened in, and holds the first evaluation right after it read
 * the PR's comments (so what it decides is already stale once someone comments) until `release`.
 */
function instrument(p: LocalPipeline) {
  const writes: string[] = [];
  const phase = { name: 'first job' };
  let entered!: () => void;
  const held = new Promise<void>((r) => (entered = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let holding = false;
  p.setWrap((gh) =>
    new Proxy(gh, {
      get(target, key, receiver) {
        const v: unknown = Reflect.get(target, key, receiver);
        if (typeof v !== 'function') return v;
        const name = String(key);
        const call = (args: unknown[]) => (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (WRITES.has(name)) {
          return (...args: unknown[]) => {
            writes.push(`${phase.name}: ${name}`);
            return call(args);
          };
        }
        if (name === 'comments' && !holding) {
          holding = true;
          return async (...args: unknown[]) => {
            const out = await call(args);
            entered();
            await released;
            return out;
          };
        }
        return (...args: unknown[]) => call(args);
      },
    }) as PrGitHub,
  );
  return { writes, phase, held, release };
}

function commentPayload(p: LocalPipeline, who: string, body: string) {
  return { action: 'created', issue: { number: p.pr.number, pull_request: {}, state: 'open' }, comment: { body, user: { login: who } } };
}

test('a job that loses its lease mid-evaluation writes nothing more; the newer evaluation stands', async () => {
  await withLocalPipeline(async (p) => {
    const key = `${REPO}#${p.pr.number}`;
    const spy = instrument(p);
    p.lg.admin.comment(REPO, p.pr.number, 'carol', 'looks good so far');
    await p.enqueue('issue_comment', commentPayload(p, 'carol', 'looks good so far'), key, 'created');
    const first = await p.claim();
    const lease = new AbortController();
    const stale = p.run(first, lease.signal);
    await spy.held;
    assert.deepEqual(spy.writes, ['first job: createCheckRun'], 'it opened its run in_progress');

    // Bob approves; the first job's lease expires and another worker takes the key with the new delivery.
    p.clock.advance(1000);
    p.lg.admin.comment(REPO, p.pr.number, 'bob', 'I approve');
    await p.enqueue('issue_comment', commentPayload(p, 'bob', 'I approve'), key, 'created');
    p.clock.advance(LEASE_MS + 1);
    spy.phase.name = 'newer job';
    const newer = await p.claim();
    assert.equal(newer.key, first.key);
    await p.run(newer);
    assert.equal(await p.queue.complete(newer), true);
    assert.deepEqual(await p.latestStatus(), { state: 'success', description: 'approved by bob' });

    // The first job's heartbeat finds its lease gone, as the worker does, and aborts it; then it resumes.
    assert.equal(await p.queue.extendLease(first), false);
    lease.abort(new Error('lease lost'));
    spy.phase.name = 'stale job';
    spy.release();
    await assert.rejects(stale, LeaseLost);
    assert.deepEqual(spy.writes.filter((w) => w.startsWith('stale job')), []);
    assert.equal(await p.queue.complete(first), false, 'its completion is refused too');

    assert.deepEqual(await p.latestStatus(), { state: 'success', description: 'approved by bob' });
    const runs = await p.allRuns();
    // The newer job completed the run the first one had opened: one run, showing the newer result.
    assert.deepEqual(runs.map((r) => [r.status, r.conclusion]), [['completed', 'success']], JSON.stringify(runs));
  });
});

test('a lease lost before the run is opened: not even the in_progress run is created', async () => {
  await withLocalPipeline(async (p) => {
    const spy = instrument(p);
    spy.release();
    const key = `${REPO}#${p.pr.number}`;
    await p.enqueue('issue_comment', commentPayload(p, 'carol', 'hello'), key, 'created');
    const job = await p.claim();
    const lease = new AbortController();
    lease.abort(new Error('lease lost'));
    await assert.rejects(p.run(job, lease.signal), LeaseLost);
    assert.deepEqual(spy.writes, []);
    assert.equal(await p.latestStatus(), undefined);
    assert.deepEqual(await p.allRuns(), []);
  });
});
