/**
 * Posts a report on the PR head: the check run (App mode: completed with its output, annotations sent 50
 * per request as GitHub requires) and the commit status `approvals/checks-out`. The check run is opened
 * `in_progress` before the first evaluation of a head starts so people see that work is under way; later
 * evaluations of that head update the same run (one write instead of two).
 */
import type { CheckRunWrite, PrGitHub, RepoRef } from './github-port.js';
import { REEVALUATE_ACTION, type Report } from './check-output.js';

/** GitHub accepts at most 50 annotations per create/update request and appends across updates. */
export const ANNOTATIONS_PER_REQUEST = 50;

export interface PublishOptions {
  checkRunName: string;
  statusContext: string;
  detailsUrl?: string;
  now: () => number;
  /** Throws when the worker lost its lease: a stale evaluation must not post over a newer one. */
  assertCurrent?: () => void;
}

export async function startCheckRun(gh: PrGitHub, ref: RepoRef, headSha: string, o: PublishOptions): Promise<number | undefined> {
  if (!gh.createCheckRun) return undefined;
  o.assertCurrent?.();
  return gh.createCheckRun(ref, {
    name: o.checkRunName,
    head_sha: headSha,
    status: 'in_progress',
    started_at: new Date(o.now()).toISOString(),
    ...(o.detailsUrl ? { details_url: o.detailsUrl } : {}),
  });
}

export async function publishReport(
  gh: PrGitHub,
  ref: RepoRef,
  headSha: string,
  report: Report,
  checkRunId: number | undefined,
  o: PublishOptions,
  /** `checkRunId` is a run an earlier evaluation completed (not one opened for this evaluation). */
  reused = false,
): Promise<number | undefined> {
  let runId: number | undefined;
  if (gh.createCheckRun && gh.updateCheckRun) {
    const batches: (typeof report.check.annotations)[] = [];
    for (let i = 0; i < report.check.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      batches.push(report.check.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
    }
    const output = (annotations: typeof report.check.annotations) => ({
      title: report.check.title,
      summary: report.check.summary,
      ...(annotations.length > 0 ? { annotations } : {}),
    });
    const done: CheckRunWrite = {
      name: o.checkRunName,
      head_sha: headSha,
      status: 'completed',
      conclusion: report.check.conclusion,
      completed_at: new Date(o.now()).toISOString(),
      output: output(batches[0] ?? []),
      actions: [{ ...REEVALUATE_ACTION }],
      ...(o.detailsUrl ? { details_url: o.detailsUrl } : {}),
    };
    o.assertCurrent?.();
    // GitHub appends annotations across updates: a reused run would show the old ones twice, so a report
    // with annotations gets a run of its own.
    let id = reused && report.check.annotations.length > 0 ? undefined : checkRunId;
    if (id !== undefined) {
      try {
        await gh.updateCheckRun(ref, id, done);
      } catch (err) {
        // A remembered run that no longer exists (deleted with its suite): open a new one.
        if (!reused || (err as { status?: unknown }).status !== 404) throw err;
        id = undefined;
      }
    }
    if (id === undefined) id = await gh.createCheckRun(ref, done);
    runId = id;
    for (const batch of batches.slice(1)) {
      o.assertCurrent?.();
      await gh.updateCheckRun(ref, id, { output: output(batch) });
    }
  }
  o.assertCurrent?.();
  await gh.createStatus(ref, {
    sha: headSha,
    state: report.status.state,
    context: o.statusContext,
    description: report.status.description,
    ...(o.detailsUrl ? { target_url: o.detailsUrl } : {}),
  });
  return runId;
}
