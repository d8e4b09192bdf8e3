/**
 * Gathering feedback (spec §6.1–6.2) into the approval and disapproval lists, with our fixes:
 * the cutoff of the `head` range is the real push time of the reference commit when the caller knows it
 * (the committer date is only a fallback, and which one was used is recorded), comments and reviews keep
 * their real timestamps and are sorted together chronologically (§19 item 4), and every item that does not
 * count keeps the reason, for the explanation.
 */
import type { CommitRange, FeedbackType } from '../config/types.js';
import type { CommitInfo, FeedbackItem } from '../types.js';
import { servicePrefix } from '../actions/notifications.js';

export type ExclusionReason =
  | 'feedback-type-disabled'
  | 'service-message'
  | 'dismissed'
  | 'before-last-push'
  | 'no-timestamp'
  /** Not in a list the caller supplied ready-made. */
  | 'not-in-list';

export interface FeedbackRecord {
  item: FeedbackItem;
  /** Why the item is not in the approval list; undefined when it is. */
  approvalExclusion?: ExclusionReason;
  /** Why the item is not in the disapproval list; undefined when it is. */
  disapprovalExclusion?: ExclusionReason;
  /** A comment made before the cutoff that counts because it was edited after it (GitHub's `since` filter). */
  revivedByEdit?: boolean;
}

export type CutoffSource = 'push' | 'committer-date' | 'none';

export interface Cutoff {
  /** ms since epoch; undefined when unknown (then nothing is excluded by time). */
  at?: number;
  source: CutoffSource;
  /** The reference commit (the head, or the commit reached by skipping UI merges). */
  sha?: string;
  /** UI-merge commits walked over (§6.2). */
  skippedUiMerges: string[];
}

export interface GatherInput {
  /** PR conversation comments and reviews, in any order. */
  feedback: readonly FeedbackItem[];
  /** PR commits, oldest first; the last one is the head. */
  commits: readonly CommitInfo[];
  types: readonly FeedbackType[];
  range: CommitRange;
  antirange: CommitRange;
  ignoreUiMerge: boolean;
  /** SHAs committed to the base branch since the PR was created (for the UI-merge walk). */
  baseShas?: ReadonlySet<string>;
  /** Real push time per commit SHA (e.g. the head's from the `synchronize` event); preferred to committer dates. */
  pushTimes?: ReadonlyMap<string, number>;
  /** Push time of the head when the caller knows only that one. */
  headPushedAt?: number;
  brandingShort?: string;
}

export interface GatheredFeedback {
  /** Chronological; used by `match`. */
  approval: FeedbackItem[];
  /** Chronological; used by `antimatch`. */
  disapproval: FeedbackItem[];
  /** Every input item with what happened to it, chronological. */
  records: FeedbackRecord[];
  cutoff: Cutoff;
}

/** A merge made with GitHub's "Update branch" button: two parents, committed by GitHub itself. */
export function isUiMerge(commit: CommitInfo): boolean {
  return commit.parents === 2 && (commit.committer === 'GitHub' || commit.committer === 'GitHub Enterprise');
}

/** Walks from the head over UI merges of the base branch into the PR (§6.2). */
export function referenceCommit(
  commits: readonly CommitInfo[],
  ignoreUiMerge: boolean,
  baseShas: ReadonlySet<string> = new Set(),
): { commit?: CommitInfo; skipped: string[] } {
  let current = commits.length > 0 ? commits[commits.length - 1] : undefined;
  const skipped: string[] = [];
  if (!ignoreUiMerge || current === undefined) return { commit: current, skipped };
  const bySha = new Map<string, CommitInfo>();
  for (const c of commits) if (typeof c.sha === 'string') bySha.set(c.sha, c);
  const seen = new Set<CommitInfo>();
  while (current !== undefined && isUiMerge(current) && !seen.has(current)) {
    seen.add(current);
    const parents = Array.isArray(current.parentShas) ? current.parentShas : [];
    const onBase = parents.filter((p) => baseShas.has(p));
    if (parents.length !== 2 || onBase.length !== 1) break;
    const next = bySha.get(parents.find((p) => !baseShas.has(p)) ?? '');
    if (next === undefined) break;
    skipped.push(current.sha ?? '');
    current = next;
  }
  return { commit: current, skipped };
}

function resolveCutoff(input: GatherInput): Cutoff {
  const { commit, skipped } = referenceCommit(input.commits, input.ignoreUiMerge, input.baseShas);
  if (commit === undefined) return { source: 'none', skippedUiMerges: skipped };
  const sha = commit.sha;
  const head = input.commits[input.commits.length - 1];
  const pushed = (sha !== undefined ? input.pushTimes?.get(sha) : undefined) ?? (commit === head ? input.headPushedAt : undefined);
  if (isTime(pushed)) return { at: pushed, source: 'push', sha, skippedUiMerges: skipped };
  if (isTime(commit.committedAt)) return { at: commit.committedAt, source: 'committer-date', sha, skippedUiMerges: skipped };
  return { source: 'none', sha, skippedUiMerges: skipped };
}

function isTime(t: unknown): t is number {
  return typeof t === 'number' && Number.isFinite(t);
}

/** What `headExclusion` says, as shared constants: it runs for every item of every evaluation. */
type HeadVerdict = { reason?: ExclusionReason; revived?: boolean };
const COUNTS: HeadVerdict = Object.freeze({});
const COUNTS_NOT_REVIVED: HeadVerdict = Object.freeze({ revived: false });
const COUNTS_REVIVED: HeadVerdict = Object.freeze({ revived: true });
const NO_TIMESTAMP: HeadVerdict = Object.freeze({ reason: 'no-timestamp' });
const BEFORE_LAST_PUSH: HeadVerdict = Object.freeze({ reason: 'before-last-push' });

/** Why an item made before/after `cutoff` does not count in a `head` list (no reason = it counts). */
function headExclusion(item: FeedbackItem, cutoff: Cutoff): HeadVerdict {
  if (cutoff.at === undefined) return COUNTS;
  const T = cutoff.at;
  if (item.type === 'review') {
    if (!isTime(item.at)) return NO_TIMESTAMP;
    return item.at > T ? COUNTS : BEFORE_LAST_PUSH;
  }
  // GitHub's `since` filter on comments is on updated_at >= T: an edit after the push revives a comment.
  const updated = isTime(item.updatedAt) ? item.updatedAt : item.at;
  if (!isTime(updated)) return NO_TIMESTAMP;
  if (updated < T) return BEFORE_LAST_PUSH;
  return isTime(item.at) && item.at < T ? COUNTS_REVIVED : COUNTS_NOT_REVIVED;
}

/** Time used to order an item: when it became effective (creation, or the reviving edit). */
function sortTime(record: FeedbackRecord): number {
  const { item } = record;
  const t = record.revivedByEdit === true ? item.updatedAt : item.at;
  return isTime(t) ? t : Number.NEGATIVE_INFINITY;
}

export function gatherFeedback(input: GatherInput): GatheredFeedback {
  const cutoff = input.range === 'head' || input.antirange === 'head' ? resolveCutoff(input) : { source: 'none' as const, skippedUiMerges: [] };
  // Loop invariants, hoisted: this runs for every item of every evaluation.
  const comments = input.types.includes('comment');
  const reviews = input.types.includes('review');
  const prefix = servicePrefix(input.brandingShort);
  const records: FeedbackRecord[] = [];
  for (const item of input.feedback) {
    const record: FeedbackRecord = { item };
    const typeOk = item.type === 'comment' ? comments : item.type === 'review' ? reviews : input.types.includes(item.type);
    let common: ExclusionReason | undefined;
    if (!typeOk) common = 'feedback-type-disabled';
    else if (typeof item.body === 'string' && item.body.startsWith(prefix)) common = 'service-message';
    else if (item.type === 'review' && typeof item.state === 'string' && item.state.toLowerCase() === 'dismissed') common = 'dismissed';
    if (common !== undefined) {
      record.approvalExclusion = common;
      record.disapprovalExclusion = common;
    } else {
      const head = headExclusion(item, cutoff);
      if (input.range === 'head') record.approvalExclusion = head.reason;
      if (input.antirange === 'head') record.disapprovalExclusion = head.reason;
      if (head.revived === true && (input.range === 'head' || input.antirange === 'head')) record.revivedByEdit = true;
    }
    records.push(record);
  }
  const ordered = chronological(records);
  const approval: FeedbackItem[] = [];
  const disapproval: FeedbackItem[] = [];
  for (const r of ordered) {
    if (r.approvalExclusion === undefined) approval.push(r.item);
    if (r.disapprovalExclusion === undefined) disapproval.push(r.item);
  }
  return { approval, disapproval, records: ordered, cutoff };
}

/**
 * Chronological; comments before reviews on equal times, then input order. (Two undated items give
 * -Infinity - -Infinity = NaN, which is falsy, so the tie-breakers decide.) Feedback usually arrives in
 * order already, and then the list is returned as it is instead of being sorted.
 */
function chronological(records: FeedbackRecord[]): FeedbackRecord[] {
  const kind = (r: FeedbackRecord): number => (r.item.type === 'comment' ? 0 : 1);
  let sorted = true;
  for (let i = 1; i < records.length && sorted; i++) {
    // Input order breaks the remaining ties, so the pair is in order unless its time or kind says otherwise.
    const a = records[i - 1];
    const b = records[i];
    const order = sortTime(a) - sortTime(b) || kind(a) - kind(b);
    if (order > 0) sorted = false;
  }
  if (sorted) return records;
  return records
    .map((r, i) => ({ r, i, t: sortTime(r), k: kind(r) }))
    .sort((a, b) => a.t - b.t || a.k - b.k || a.i - b.i)
    .map((x) => x.r);
}
