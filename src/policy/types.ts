/**
 * Shared value types of the policy engine. Plain data only: the shell (service, CLI) converts GitHub's
 * shapes into these, so the engine never sees a GitHub type.
 */

/** A maintainer record (spec §4). `login` keeps the case it was written in; map keys are lower-case. */
export interface Person {
  name: string;
  email: string;
  login: string;
}

/**
 * The expanded MAINTAINERS file (spec §4.5). Keys of `people` are lower-case logins ("all");
 * `orgs` maps lower-case group names to lower-case member logins; `personToOrgs` lists, for each login that
 * is a key of `people`, the groups it belongs to. Maps (not objects) so that hostile names such as
 * `__proto__` are ordinary keys.
 */
export interface Snapshot {
  people: Map<string, Person>;
  orgs: Map<string, string[]>;
  personToOrgs: Map<string, Set<string>>;
}

/** What the engine needs to know about a pull request. */
export interface PullRequestInfo {
  /** Author login, raw case (the engine lower-cases it). */
  author: string;
  title: string;
  /** PR description; only used to find referenced issues. */
  body?: string;
  baseBranch: string;
  /** Head branch name. */
  compareBranch: string;
  /** Owner of the head repository (differs from the repo owner for forks). */
  compareOwner: string;
}

/** A PR conversation comment or a review (spec §6). */
export interface FeedbackItem {
  type: 'comment' | 'review';
  /** Login, raw case. */
  author: string;
  /** Comment body (reviews may carry one too, but only their state counts). */
  body?: string;
  /** Review state as GitHub sends it (`APPROVED`, `changes_requested`, ...); compared lower-cased. */
  state?: string;
  /** When it was made (ms since epoch): created_at of a comment, submitted_at of a review. */
  at?: number;
  /** When it was last edited (ms since epoch), for comments. */
  updatedAt?: number;
  /** GitHub id, for explanations and links. */
  id?: number | string;
}

/** A PR commit (spec §6.2, §6.4). */
export interface CommitInfo {
  sha?: string;
  /** Login of the commit author as linked by GitHub, lower-case; `""` when not linked to an account. */
  author: string;
  /** Committer NAME (not login): `GitHub` marks merges made in the web UI. */
  committer: string;
  /** Number of parents. */
  parents: number;
  /** Parent SHAs, when known. */
  parentShas?: string[];
  /** Committer date (ms since epoch). */
  committedAt?: number;
}
