/**
 * Author affirmation (spec §6.4): when someone other than the PR author wrote commits of the PR, approval
 * needs either the PR author's own approval or enough approvals from people who wrote none of the commits.
 */
import type { CommitInfo, FeedbackItem } from '../types.js';
import { loginOf, type Classifier } from './classify.js';
import { decidePolicy, type PolicyDecision, type PolicyDecisionInput } from './decide.js';
import { isUiMerge } from './feedback.js';

export type AffirmationRule =
  /** `feedback.authoraffirm` is off, or the policy did not approve (nothing to affirm). */
  | 'not-required'
  /** Every (non-UI-merge) commit was written by the PR author. */
  | 'author-only-commits'
  /** The PR author approved. */
  | 'author-approved'
  /** Approvals from non-committers alone satisfy the policy. */
  | 'non-committers-approved'
  | 'failed';

export interface Affirmation {
  affirmed: boolean;
  rule: AffirmationRule;
  /** Lower-case logins of commit authors other than the PR author (`""` = a commit not linked to an account). */
  otherCommitAuthors: string[];
  /** The re-run without committers' approvals, when it was needed. */
  rerun?: PolicyDecision;
}

/** Commit authors (lower-case) of the commits that are not UI merges. */
export function commitAuthors(commits: readonly CommitInfo[]): Set<string> {
  const set = new Set<string>();
  for (const c of commits) if (!isUiMerge(c)) set.add(loginOf(c));
  return set;
}

export function affirmAuthor(
  decision: PolicyDecision,
  input: PolicyDecisionInput & { classifier: Classifier },
  commits: readonly CommitInfo[],
  enabled: boolean,
): Affirmation {
  if (!enabled || !decision.approved) return { affirmed: true, rule: 'not-required', otherCommitAuthors: [] };
  const author = typeof input.author === 'string' ? input.author.toLowerCase() : '';
  const committers = commitAuthors(commits);
  const others = [...committers].filter((a) => a !== author).sort();
  if (others.length === 0) return { affirmed: true, rule: 'author-only-commits', otherCommitAuthors: [] };
  const byAuthor = (f: FeedbackItem) => loginOf(f) === author;
  if (input.approval.some((f) => byAuthor(f) && input.classifier.isApproval(f))) {
    return { affirmed: true, rule: 'author-approved', otherCommitAuthors: others };
  }
  const approval = input.approval.filter((f) => !(committers.has(loginOf(f)) && input.classifier.isApproval(f)));
  const rerun = decidePolicy({ ...input, approval });
  return rerun.approved
    ? { affirmed: true, rule: 'non-committers-approved', otherCommitAuthors: others, rerun }
    : { affirmed: false, rule: 'failed', otherCommitAuthors: others, rerun };
}
