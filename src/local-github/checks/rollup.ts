/**
 * Suite status/conclusion rollup (spec §1.8). GitHub publishes no full priority order; the project's
 * decision lives in this one table, highest priority first.
 */
import type { CheckRunRecord, SuiteConclusion, SuiteStatus } from './types.js';

export const DEFAULT_CONCLUSION_PRIORITY: readonly SuiteConclusion[] = [
  'action_required',
  'cancelled',
  'timed_out',
  'failure',
  'startup_failure',
  'stale',
  'success',
  'neutral',
  'skipped',
];

export interface Rollup {
  status: SuiteStatus;
  conclusion: SuiteConclusion | null;
}

/** The highest-priority conclusion among `conclusions` by `priority` (unknown values rank last). */
export function highestConclusion(
  conclusions: Iterable<SuiteConclusion>,
  priority: readonly SuiteConclusion[] = DEFAULT_CONCLUSION_PRIORITY,
): SuiteConclusion | null {
  let best: SuiteConclusion | null = null;
  let bestRank = Infinity;
  for (const c of conclusions) {
    const rank = priority.indexOf(c);
    const r = rank === -1 ? priority.length : rank;
    if (best === null || r < bestRank) {
      best = c;
      bestRank = r;
    }
  }
  return best;
}

/**
 * Rolls up the suite from its runs: any run not completed ⇒ `in_progress` (`queued` when every run is
 * queued) with no conclusion; all completed ⇒ `completed` and the highest-priority conclusion.
 * A suite without runs stays `queued`.
 */
export function rollupSuite(
  runs: Iterable<Pick<CheckRunRecord, 'status' | 'conclusion'>>,
  priority: readonly SuiteConclusion[] = DEFAULT_CONCLUSION_PRIORITY,
): Rollup {
  let total = 0;
  let queued = 0;
  let open = 0;
  const conclusions: SuiteConclusion[] = [];
  for (const run of runs) {
    total++;
    if (run.status === 'queued') queued++;
    if (run.status !== 'completed') open++;
    else if (run.conclusion !== null) conclusions.push(run.conclusion);
  }
  if (total === 0 || queued === total) return { status: 'queued', conclusion: null };
  if (open > 0) return { status: 'in_progress', conclusion: null };
  return { status: 'completed', conclusion: highestConclusion(conclusions, priority) };
}
