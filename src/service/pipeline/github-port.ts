/**
 * The GitHub operations the evaluation pipeline needs, in the pipeline's own terms. The Octokit
 * implementation is `octokit-port.ts`; keeping the pipeline behind this interface keeps GitHub's wire
 * shapes in one file and makes every call countable.
 */
import type { Person } from '../../policy/types.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullData {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  title: string;
  body: string;
  author: string;
  headSha: string;
  headRef: string;
  /** Owner of the head repository (the fork owner for forks); `""` when the fork was deleted. */
  headOwner: string;
  baseRef: string;
  baseSha: string;
  createdAt: number;
  /** `null` while GitHub is still computing it. */
  mergeable: boolean | null;
}

export interface CommitData {
  sha: string;
  /** Linked GitHub login of the author, lower-case; `""` when the commit is not linked to an account. */
  authorLogin: string;
  committerName: string;
  committedAt: number;
  parents: string[];
}

export interface CommentData {
  id: number;
  author: string;
  body: string;
  createdAt: number;
  updatedAt: number;
}

export interface ReviewData {
  id: number;
  author: string;
  /** As the REST API returns it: `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`, `PENDING`. */
  state: string;
  body: string;
  submittedAt: number;
}

export interface RepoData {
  defaultBranch: string;
  isOrg: boolean;
  private: boolean;
}

export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title?: string;
  message: string;
}

export interface CheckRunWrite {
  name: string;
  head_sha: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion?: CheckConclusion;
  details_url?: string;
  external_id?: string;
  started_at?: string;
  completed_at?: string;
  output?: { title: string; summary: string; text?: string; annotations?: Annotation[] };
  actions?: { label: string; description: string; identifier: string }[];
}

export interface StatusWrite {
  sha: string;
  state: 'success' | 'error' | 'pending' | 'failure';
  context: string;
  description: string;
  target_url?: string;
}

export interface PrGitHub {
  repo(ref: RepoRef): Promise<RepoData>;
  pull(ref: RepoRef, number: number): Promise<PullData>;
  /** Open PRs whose head is `sha` in this repository. */
  pullsForCommit(ref: RepoRef, sha: string): Promise<number[]>;
  files(ref: RepoRef, number: number): Promise<string[]>;
  /** SHAs committed to `branch` since `since` (ms), for the UI-merge walk (spec §6.2). */
  branchCommitsSince(ref: RepoRef, branch: string, since: number): Promise<string[]>;
  commits(ref: RepoRef, number: number): Promise<CommitData[]>;
  comments(ref: RepoRef, number: number): Promise<CommentData[]>;
  reviews(ref: RepoRef, number: number): Promise<ReviewData[]>;
  /** File text at `ref` (default: the default branch); `null` when it does not exist. */
  file(ref: RepoRef, path: string, gitRef?: string): Promise<string | null>;
  orgMembers(org: string): Promise<Person[]>;
  /** Team slugs of an org. */
  orgTeams(org: string): Promise<string[]>;
  /** `null` when the team does not exist. */
  teamMembers(org: string, team: string): Promise<Person[] | null>;
  collaborators(ref: RepoRef): Promise<Person[]>;
  user(login: string): Promise<Person>;
  /** The login of issue (or PR) `number`'s author; `null` when it does not exist. For `issue-author`. */
  issueAuthor?(ref: RepoRef, number: number): Promise<string | null>;
  createStatus(ref: RepoRef, status: StatusWrite): Promise<void>;
  /** A PR conversation comment (the service's own messages, prefixed so they never count as feedback). */
  createIssueComment(ref: RepoRef, number: number, body: string): Promise<void>;
  /** Only in GitHub App mode; token mode reports with the commit status alone. */
  createCheckRun?(ref: RepoRef, run: CheckRunWrite): Promise<number>;
  updateCheckRun?(ref: RepoRef, id: number, run: Partial<CheckRunWrite>): Promise<void>;
}
