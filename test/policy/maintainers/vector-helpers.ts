/** Runs the shared conformance vectors of one kind through the real runner (used by C's test files). */
import { fileURLToPath } from 'node:url';
import { formatHuman, readVectorFile, runVectors } from '../../../src/conformance/runner.js';

const vectorsPath = fileURLToPath(new URL('../../../../shared/conformance/checks-out-vectors.json', import.meta.url));

export async function runKind(kind: string): Promise<{ passed: number; failed: number; skipped: number; report: string }> {
  const summary = await runVectors(await readVectorFile(vectorsPath), { kinds: [kind] });
  return { passed: summary.passed, failed: summary.failed, skipped: summary.skipped, report: formatHuman(summary) };
}
