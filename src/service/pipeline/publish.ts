/**
 * Posts a report on the PR head: the check run (App mode: completed with its output, annotations sent 50
 * per request as GitHub requires) and the commit status `approvals/checks-out`. The check run is opened
 * `in_progress` before the first evaluation of a head starts so people see that work is under way; later
 * evaluations of that head update the same run (one write instead of two) — unless the run carries
 * annotations the report does not have: GitHub appends annotations on every update and offers no way to
 * remove one, so the report then goes on a new run, which GitHub shows as the head's latest.
 */
import { createHash } from 'node:crypto';
import type { Annotation, CheckRunWrite, PrGitHub, RepoRef } from './github-port.js';
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

/** A check run already on the head that the report may go on. */
export interface KnownRun {
  id: number;
  /** `annotationsDigest` of what the run carries ('' none); undefined when not known. */
  annotations: string | undefined;
  /** Opened or completed by an earlier evaluation (or attempt): it may have been deleted since. */
  earlier: boolean;
}

/** Identifies a list of annotations ('' for none): equal digests, equal annotations in the same order. */
export function annotationsDigest(annotations: readonly Annotation[]): string {
  if (annotations.length === 0) return '';
  return createHash('sha256').update(JSON.stringify(annotations)).digest('base64url');
}

/**
 * How a report goes on `run`: `update` sending its annotations (the run carries none), `keep` updating
 * without sending any (the run already carries exactly these), or `create` a new run (no run, or one
 * carrying other annotations, or ones not known).
 */
export function placement(run: KnownRun | undefined, report: Report): 'update' | 'keep' | 'create' {
  if (run === undefined || run.annotations === undefined) return 'create';
  const digest = annotationsDigest(report.check.annotations);
  if (run.annotations === digest) return digest === '' ? 'update' : 'keep';
  return run.annotations === '' ? 'update' : 'create';
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

/** Returns the run the report went on (undefined in token mode, where there are no check runs). */
export async function publishReport(gh: PrGitHub, ref: RepoRef, headSha: string, report: Report, run: KnownRun | undefined, o: PublishOptions): Promise<number | undefined> {
  let runId: number | undefined;
  if (gh.createCheckRun && gh.updateCheckRun) {
    const batches: Annotation[][] = [];
    for (let i = 0; i < report.check.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      batches.push(report.check.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
    }
    const output = (annotations: readonly Annotation[]) => ({
      title: report.check.title,
      summary: report.check.summary,
      ...(annotations.length > 0 ? { annotations: [...annotations] } : {}),
    });
    const done = (annotations: readonly Annotation[]): CheckRunWrite => ({
      name: o.checkRunName,
      head_sha: headSha,
      status: 'completed',
      conclusion: report.check.conclusion,
      completed_at: new Date(o.now()).toISOString(),
      output: output(annotations),
      actions: [{ ...REEVALUATE_ACTION }],
      ...(o.detailsUrl ? { details_url: o.detailsUrl } : {}),
    });
    o.assertCurrent?.();
    const how = placement(run, report);
    let id = how === 'create' ? undefined : run?.id;
    let send = how === 'keep' ? [] : batches;
    if (id !== undefined) {
      try {
        await gh.updateCheckRun(ref, id, done(send[0] ?? []));
      } catch (err) {
        // A run of an earlier evaluation that no longer exists (deleted with its suite): open a new one.
        if (!run?.earlier || (err as { status?: unknown }).status !== 404) throw err;
        id = undefined;
        send = batches;
      }
    }
    if (id === undefined) id = await gh.createCheckRun(ref, done(send[0] ?? []));
    runId = id;
    for (const batch of send.slice(1)) {
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
