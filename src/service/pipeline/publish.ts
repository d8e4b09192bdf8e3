/**
 * Posts a report on the PR head: the check run (App mode: completed with its output, annotations sent 50
 * per request as GitHub requires) and the commit status `approvals/checks-out`. The check run is opened
 * `in_progress` before the first evaluation of a head starts so people see that work is under way; later
 * evaluations of that head update the same run (one write instead of two) — unless the run carries
 * annotations the report does not have: GitHub appends annotations on every update and offers no way to
 * remove one, so the report then goes on a new run, which GitHub shows as the head's latest. Which run a
 * head has, and what it shows, is remembered in this process and in the database (`RunMemory`).
 */
import { createHash } from 'node:crypto';
import type { ServiceDb } from '../db/connect.js';
import { decodeShown, encodeShown, saveCheckRun, storedCheckRun } from '../store/check-runs.js';
import type { Decision } from '../store/decisions.js';
import type { Annotation, CheckRunWrite, PrGitHub, RepoRef } from './github-port.js';
import { REEVALUATE_ACTION, type Report } from './check-output.js';
import { decisionToken, type PullCache } from './pull-cache.js';

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

/** Where the run of each head is remembered: this process's memo, then the database (store/check-runs.ts). */
export interface RunMemory {
  sdb: ServiceDb;
  pulls: PullCache;
  checkRunName: string;
}

/**
 * The PR's latest decision as a run records it; before the first, the PR itself (two PRs with one head
 * and no decision yet must not take each other's opened run).
 */
export function latestToken(previous: Decision | undefined, pr: number): string {
  return previous === undefined ? `pr#${pr}` : decisionToken(previous);
}

/**
 * The run a later evaluation (or attempt) of a head goes on instead of opening another: the one last
 * completed for it, or opened `in_progress` by an attempt that failed, as long as nobody (another instance)
 * has reported on the PR since — the run must be recorded against the PR's latest decision, so an older run
 * never gets the update while a newer one is showing. This process's memo first; else the database (a
 * restart, another thread or process posted it). The memo's `decision` is `encodeShown` like the row's.
 */
export async function reusableRun(m: RunMemory, slug: string, pr: number, headSha: string, previous: Decision | undefined): Promise<KnownRun | undefined> {
  const token = latestToken(previous, pr);
  const memo = m.pulls.checkRun(slug, headSha);
  if (memo !== undefined) {
    const shown = decodeShown(memo.decision);
    if (shown.decision === token) return { id: memo.id, annotations: shown.annotations, earlier: true };
  }
  const stored = await storedCheckRun(m.sdb, slug, headSha, m.checkRunName);
  if (stored?.decision === token) {
    m.pulls.rememberCheckRun(slug, headSha, { id: stored.runId, decision: encodeShown(token, stored.annotations) });
    return { id: stored.runId, annotations: stored.annotations, earlier: true };
  }
  if (memo !== undefined) m.pulls.forgetCheckRun(slug, headSha);
  return undefined;
}

/**
 * Opens the head's run `in_progress` and stores it before the evaluation starts, so that when this attempt
 * fails (or the process dies) the retry, here or in another process, completes this run instead of opening
 * another and leaving this one in_progress. Undefined in token mode.
 */
export async function openCheckRun(gh: PrGitHub, ref: RepoRef, pr: number, headSha: string, previous: Decision | undefined, o: PublishOptions, m: RunMemory): Promise<KnownRun | undefined> {
  const id = await startCheckRun(gh, ref, headSha, o);
  if (id === undefined) return undefined;
  const slug = `${ref.owner}/${ref.repo}`;
  const decision = latestToken(previous, pr);
  await saveCheckRun(m.sdb, { repo: slug, headSha, name: m.checkRunName, runId: id, decision, annotations: '', at: o.now() });
  m.pulls.rememberCheckRun(slug, headSha, { id, decision: encodeShown(decision, '') });
  return { id, annotations: '', earlier: false };
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
