import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readVectorFile, runVectors } from '../../../src/conformance/runner.js';

const FILE = fileURLToPath(new URL('../../../../shared/conformance/checks-out-vectors.json', import.meta.url));

for (const kind of ['config-parse', 'legacy-config', 'deployment', 'glob', 'scope']) {
  test(`every ${kind} vector passes`, async () => {
    const summary = await runVectors(await readVectorFile(FILE), { kinds: [kind] });
    const failures = summary.results.filter((r) => r.outcome !== 'passed').map((r) => `#${r.index} ${r.source}: ${r.outcome} ${r.reason ?? ''}`);
    assert.deepEqual(failures, []);
    assert.ok(summary.passed > 0);
  });
}
