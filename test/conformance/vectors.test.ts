/**
 * The acceptance bar: every shared conformance vector passes (none failed, none skipped). Fails until all
 * 17 kinds have adapters and the engine behaves; the assertion message lists what still fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { formatHuman, readVectorFile, runVectors } from '../../src/conformance/runner.js';

const vectorsPath = fileURLToPath(new URL('../../../shared/conformance/checks-out-vectors.json', import.meta.url));

test('shared conformance vectors: 0 failed, 0 skipped', async () => {
  const summary = await runVectors(await readVectorFile(vectorsPath));
  assert.ok(summary.total > 0, 'the vector file has vectors');
  const ok = summary.failed === 0 && summary.skipped === 0;
  assert.ok(ok, `conformance vectors not all passing:\n${formatHuman(summary)}`);
});
