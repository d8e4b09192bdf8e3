/**
 * Loads one pull request's snapshot from GitHub and evaluates it with the policy engine. The result is
 * plain data for the reporter: the engine's decision, or the located configuration problems that stopped
 * evaluation, plus the problems of a `.checks-out` / MAINTAINERS the PR itself changes.
 */
import { evaluatePullRequest, type Decision } from '../../policy/approval/evaluate.js';
import { isUiMerge } from '../../policy/approval/feedback.js';
import type { Config } from '../../policy/config/types.js';
import type { CommitInfo, FeedbackItem } from '../../policy/types.js';
import type { CommentData, CommitData, PrGitHub, PullData, RepoData, RepoRef, ReviewData } from './github-port.js';
import { closingIssueAuthors, usesIssueAuthor } from './issue-authors.js';
import { loadPolicy, type LoadPolicyOptions, type Problem } from './load-policy.js';

export interface PushTimeSource {
  /** When checks-out saw `sha` pushed (ms), or undefined when no push of it was seen. */
  pushedAt(repo: string, sha: string): Promise<number | undefined>;
}

export interface EvaluatePrOptions extends LoadPolicyOptions {
  pushTimes: PushTimeSource;
  brandingShort: string;
  /** The PR's commits when the caller already read them (to check a cached head against them). */
  commits?: CommitData[];
}

/**
 * What the report needs to put annotations on the right file version; always set by `evaluatePr`,
 * optional for outcomes built elsewhere (fixtures): the report then falls back to what `prProblems`
 * reveals and does not name the branch.
 */
export interface OutcomeContext {
  /** The files the PR changes (the default branch's version of those is not what the PR head shows). */
  changedFiles?: readonly string[];
  /** The branch the policy was read from, named in the summary. */
  defaultBranch?: string;
}

export type PrOutcome = OutcomeContext &
  (
  | {
      kind: 'decision';
      pull: PullData;
      decision: Decision;
      config: Config;
      configFile: string;
      configHash: string;
      warnings: Problem[];
      /** Problems of the PR's own version of the policy files (empty when it does not change them). */
      prProblems: Problem[];
    }
  | { kind: 'config-error'; pull: PullData; problems: Problem[]; configHash: string; prProblems: Problem[] }
  );

export function commentItem(c: CommentData): FeedbackItem {
  return { type: 'comment', author: c.author, body: c.body, at: c.createdAt, updatedAt: c.updatedAt, id: c.id };
}

export function reviewItem(r: ReviewData): FeedbackItem {
  return { type: 'review', author: r.author, state: r.state, body: r.body, at: r.submittedAt, id: r.id };
}

/** Evaluates `pull` (freshly fetched by the caller, which needs its head SHA before evaluating). */
export async function evaluatePr(gh: PrGitHub, ref: RepoRef, repo: RepoData, pull: PullData, o: EvaluatePrOptions): Promise<PrOutcome> {
  const slug = `${ref.owner}/${ref.repo}`;
  const number = pull.number;
  const [policy, files, commits, comments, reviews] = await Promise.all([
    loadPolicy(gh, ref, repo, o),
    gh.files(ref, number),
    o.commits ?? gh.commits(ref, number),
    gh.comments(ref, number),
    gh.reviews(ref, number),
  ]);
  const prProblems = await checkChangedPolicyFiles(gh, ref, repo, pull, files, policy.ok ? policy.config.maintainers.path : undefined, o);
  const context: OutcomeContext = { changedFiles: files, defaultBranch: repo.defaultBranch };
  if (!policy.ok) return { kind: 'config-error', pull, problems: policy.problems, configHash: policy.hash, prProblems, ...context };

  const commitInfos: CommitInfo[] = commits.map((c) => ({
    sha: c.sha,
    author: c.authorLogin,
    committer: c.committerName,
    parents: c.parents.length,
    parentShas: c.parents,
    committedAt: c.committedAt,
  }));
  const head = commitInfos.at(-1);
  // Push times of the head and, when the head is an "Update branch" merge, of the commits the walk may reach.
  const shas = new Set<string>([pull.headSha]);
  let baseShas: Set<string> | undefined;
  if (head && policy.config.commit.ignoreuimerge && isUiMerge(head)) {
    for (const c of commitInfos) shas.add(c.sha ?? '');
    baseShas = new Set(await gh.branchCommitsSince(ref, pull.baseRef, pull.createdAt));
  }
  const pushTimes = new Map<string, number>();
  await Promise.all(
    [...shas].filter((s) => s !== '').map(async (sha) => {
      const at = await o.pushTimes.pushedAt(slug, sha);
      if (at !== undefined) pushTimes.set(sha, at);
    }),
  );
  // Only a policy that uses `issue-author` pays for looking up the closed issues' authors.
  const issueAuthors = usesIssueAuthor(policy.config)
    ? await closingIssueAuthors(gh, ref, [pull.body, ...comments.map((c) => c.body), ...reviews.map((r) => r.body)])
    : undefined;

  const decision = evaluatePullRequest({
    config: policy.config,
    snapshot: policy.snapshot,
    pr: {
      author: pull.author,
      title: pull.title,
      body: pull.body,
      baseBranch: pull.baseRef,
      compareBranch: pull.headRef,
      compareOwner: pull.headOwner,
    },
    files,
    feedback: [...comments.map(commentItem), ...reviews.map(reviewItem)],
    commits: commitInfos,
    baseShas,
    pushTimes,
    headPushedAt: pushTimes.get(pull.headSha),
    brandingShort: o.brandingShort,
    ...(issueAuthors !== undefined ? { closingIssueAuthors: issueAuthors } : {}),
  });
  return {
    ...context,
    kind: 'decision',
    pull,
    decision,
    config: policy.config,
    configFile: policy.configFile,
    configHash: policy.hash,
    warnings: policy.warnings,
    prProblems,
  };
}

/**
 * When the PR changes the policy files, validate the PR's version too, so that a broken policy is caught
 * before it merges (it takes effect only once on the default branch).
 */
async function checkChangedPolicyFiles(
  gh: PrGitHub,
  ref: RepoRef,
  repo: RepoData,
  pull: PullData,
  files: readonly string[],
  maintainersPath: string | undefined,
  o: LoadPolicyOptions,
): Promise<Problem[]> {
  // Every file of this repository that decides which policy applies: `.checks-out`, a legacy `.lgtm` (it
  // takes over from the template when added), MAINTAINERS. The template's own files live in another
  // repository, so a same-named file in this PR changes nothing.
  const watched = new Set([`.${o.env.brandingName}`, '.lgtm', maintainersPath ?? 'MAINTAINERS']);
  if (!files.some((f) => watched.has(f))) return [];
  const atHead = await loadPolicy(gh, ref, repo, { ...o, gitRef: pull.headSha });
  return atHead.ok ? [] : atHead.problems;
}
