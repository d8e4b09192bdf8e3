import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONCLUSION_PRIORITY, highestConclusion, rollupSuite } from '../../../src/local-github/checks/rollup.js';
import type { RunConclusion, RunStatus } from '../../../src/local-github/checks/types.js';

const done = (conclusion: RunConclusion) => ({ status: 'completed' as RunStatus, conclusion });
const open = (status: RunStatus) => ({ status, conclusion: null });

test("GitHub's documented example: timed_out, success, neutral ⇒ timed_out", () => {
  assert.deepEqual(rollupSuite([done('timed_out'), done('success'), done('neutral')]), { status: 'completed', conclusion: 'timed_out' });
});

test('the project table, highest first, decides every pair', () => {
  assert.deepEqual(DEFAULT_CONCLUSION_PRIORITY, [
    'action_required', 'cancelled', 'timed_out', 'failure', 'startup_failure', 'stale', 'success', 'neutral', 'skipped',
  ]);
  const order = DEFAULT_CONCLUSION_PRIORITY;
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      assert.equal(highestConclusion([order[j], order[i]]), order[i], `${order[i]} outranks ${order[j]}`);
      assert.equal(highestConclusion([order[i], order[j]]), order[i]);
    }
  }
});

test('success mixed with neutral or skipped rolls up to success; all neutral stays neutral', () => {
  assert.equal(rollupSuite([done('success'), done('neutral'), done('skipped')]).conclusion, 'success');
  assert.equal(rollupSuite([done('neutral'), done('neutral')]).conclusion, 'neutral');
  assert.equal(rollupSuite([done('skipped')]).conclusion, 'skipped');
  assert.equal(rollupSuite([done('neutral'), done('skipped')]).conclusion, 'neutral');
  assert.equal(rollupSuite([done('success'), done('stale')]).conclusion, 'stale');
  assert.equal(rollupSuite([done('failure'), done('action_required')]).conclusion, 'action_required');
  assert.equal(rollupSuite([done('failure'), done('cancelled')]).conclusion, 'cancelled');
});

test('status: any open run ⇒ in_progress (queued when all queued), no conclusion; empty suite is queued', () => {
  assert.deepEqual(rollupSuite([]), { status: 'queued', conclusion: null });
  assert.deepEqual(rollupSuite([open('queued'), open('queued')]), { status: 'queued', conclusion: null });
  assert.deepEqual(rollupSuite([open('queued'), done('success')]), { status: 'in_progress', conclusion: null });
  assert.deepEqual(rollupSuite([open('in_progress'), open('queued')]), { status: 'in_progress', conclusion: null });
  assert.deepEqual(rollupSuite([done('failure'), open('in_progress')]), { status: 'in_progress', conclusion: null });
});

test('the table is configurable', () => {
  assert.equal(rollupSuite([done('success'), done('neutral')], ['neutral', 'success']).conclusion, 'neutral');
  assert.equal(highestConclusion([]), null);
});
