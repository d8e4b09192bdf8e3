/**
 * An attempt that dies after opening its check run `in_progress` (a GitHub failure, or the process killed)
 * must not leave that run behind: the run id is stored before evaluating, so the retry — in a new process
 * that remembers nothing — completes that same run instead of opening another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PrGitHub } from '../../../src/service/pipeline/github-port.js';
import { storedCheckRun } from '../../../src/service/store/check-runs.js';
import { recordDecision } from '../../../src/service/store/decisions.js';
import { REPO, RUN_NAME, withLocalPipeline, type LocalPipeline } from './local-pipeline.js';

/** Fails the first `reviews` read (after the run is opened) and counts run creations. */
function failOnce(p: LocalPipeline) {
  const seen = { creates: 0, failed: false };
  p.setWrap((gh) =>
    new Proxy(gh, {
      get(target, key, receiver) {
        const v: unknown = Reflect.get(target, key, receiver);
        if (typeof v !== 'function') return v;
        const call = (args: unknown[]) => (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (key === 'createCheckRun') return (...args: unknown[]) => (seen.creates++, call(args));
        if (key === 'reviews' && !seen.failed) {
          return () => {
            seen.failed = true;
            return Promise.reject(Object.assign(new Error('Service Unavailable'), { status: 503 }));
          };
        }
        return (...args: unknown[]) => call(args);
      },
    }) as PrGitHub,
  );
  return seen;
}

/** The PR's `opened` job is claimed and its first attempt fails after opening the run; the queue will retry it. */
async function firstAttemptFails(p: LocalPipeline) {
  const seen = failOnce(p);
  const key = `${REPO}#${p.pr.number}`;
  await p.enqueue('pull_request', { action: 'opened', number: p.pr.number, pull_request: { number: p.pr.number, state: 'open' } }, key, 'opened');
  const first = await p.claim();
  await assert.rejects(p.run(first), /Service Unavailable/);
  assert.equal(await p.queue.fail(first, new Error('Service Unavailable')), 'retry');
  return seen;
}

test('the retry after a failed attempt, in a restarted process, completes the run that attempt opened', async () => {
  await withLocalPipeline(async (p) => {
    const seen = await firstAttemptFails(p);
    const opened = await storedCheckRun(p.sdb, REPO, p.sha, RUN_NAME);
    assert.ok(opened, 'the opened run is in the database before the evaluation');
    assert.deepEqual((await p.allRuns()).map((r) => [r.id, r.status]), [[opened.runId, 'in_progress']]);

    p.restart();
    p.clock.advance(10 * 60_000);
    const retry = await p.claim();
    assert.equal(retry.attempts, 2);
    await p.run(retry);
    assert.equal(await p.queue.complete(retry), true);

    assert.equal(seen.creates, 1, 'no second run');
    assert.deepEqual(await p.allRuns(), [{ id: opened.runId, status: 'completed', conclusion: 'action_required' }]);
    assert.deepEqual(await p.latestStatus(), { state: 'pending', description: 'no approvals received' });
  });
});

test('a run opened while another decision was the latest is not taken over: the retry opens its own', async () => {
  await withLocalPipeline(async (p) => {
    const seen = await firstAttemptFails(p);
    // Meanwhile another instance decided on this PR (and showed its own run): the opened run is not the newest.
    await recordDecision(p.sdb, {
      repo: REPO, prNumber: p.pr.number, headSha: p.sha, policy: null, approvers: [], disapprovers: [], configHash: null,
      state: 'pending', description: 'elsewhere', decidedAt: p.clock.now(), deliveries: ['other-instance'],
    });
    p.restart();
    p.clock.advance(10 * 60_000);
    const retry = await p.claim();
    await p.run(retry);
    assert.equal(seen.creates, 2);
    const runs = await p.allRuns();
    assert.equal(runs[0].status, 'completed');
    assert.equal(runs[0].conclusion, 'action_required');
  });
});
