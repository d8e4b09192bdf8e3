/**
 * The acceptance bar: every shared conformance vector passes (none failed, none skipped). Fails until all
 * 17 kinds have adapters and the engine behaves; the assertion message lists what still fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { formatHuman, readVectorFile } from '../../src/conformance/runner.js';
import { runVectorsIsolated } from '../../src/conformance/isolated.js';

const vectorsPath = fileURLToPath(new URL('../../../shared/conformance/checks-out-vectors.json', import.meta.url));

test('shared conformance vectors: 0 failed, 0 skipped', async () => {
  // In a worker with a time limit: a vector that hangs fails (and is listed) instead of hanging the test run.
  const summary = await runVectorsIsolated(await readVectorFile(vectorsPath), { timeoutMs: 30_000 });
  assert.ok(summary.total > 0, 'the vector file has vectors');
  const ok = summary.failed === 0 && summary.skipped === 0;
  assert.ok(ok, `conformance vectors not all passing:\n${formatHuman(summary)}`);
});
