import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVectorsIsolated } from '../../src/conformance/isolated.js';

const fixture = new URL('./fixtures/hanging-adapters.ts', import.meta.url).href;

test('a vector that hangs (sync or async) fails with "timed out"; the run resumes with the next one', async () => {
  const vectors = [
    { kind: 'glob', source: 'ok-1', expect: { value: 1 }, input: { result: { value: 1 } } },
    { kind: 'glob', source: 'sync', expect: { value: 1 }, input: { hang: 'sync' } },
    { kind: 'glob', source: 'async', expect: { value: 1 }, input: { hang: 'async' } },
    { kind: 'mystery', source: 'skip', expect: {} },
    { kind: 'glob', source: 'ok-2', expect: { value: 2 }, input: { result: { value: 3 } } },
  ];
  const s = await runVectorsIsolated({ vectors }, { timeoutMs: 1500, adapterModule: fixture });
  assert.deepEqual(s.results.map((r) => [r.index, r.source, r.outcome]), [
    [0, 'ok-1', 'passed'],
    [1, 'sync', 'failed'],
    [2, 'async', 'failed'],
    [3, 'skip', 'skipped'],
    [4, 'ok-2', 'failed'],
  ]);
  assert.equal(s.results[1].reason, 'timed out after 1500 ms');
  assert.equal(s.results[2].reason, 'never settled (a promise was left pending)');
  assert.match(s.results[4].reason ?? '', /^value: expected 2, got 3/);
  assert.deepEqual([s.total, s.passed, s.failed, s.skipped], [5, 1, 3, 1]);
});

test('the registry works in the worker too (kind filter applied)', async () => {
  const s = await runVectorsIsolated({ vectors: [{ kind: 'no-such', expect: {} }, { kind: 'glob', expect: { matches: {} }, input: { glob: '*', paths: [] } }] }, { timeoutMs: 30_000, kinds: ['no-such'] });
  assert.deepEqual([s.total, s.skipped], [1, 1]);
});
