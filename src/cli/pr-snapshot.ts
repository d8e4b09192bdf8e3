/**
 * The PR snapshot file read by `checks-out simulate` (documented in docs/pr-snapshot.md): everything the
 * engine needs to decide on one pull request, in the snake_case shape of the conformance inputs. The schema
 * is strict (an unknown key is an error) so that a typo such as `reveiws` is reported instead of silently
 * simulating a PR without reviews.
 */
import { z } from 'zod';
import type { CommitInfo, FeedbackItem, PullRequestInfo } from '../policy/index.js';

/** An ISO-8601 instant with a time zone (`2024-05-01T12:00:00Z`, `…+02:00`); fractional seconds allowed. */
const instant = z.iso.datetime({ offset: true });
const login = z.string().min(1, 'must not be empty');

const pullRequest = z.strictObject({
  author: login,
  title: z.string(),
  body: z.string().optional(),
  base_branch: z.string().min(1, 'must not be empty'),
  compare_branch: z.string().min(1, 'must not be empty'),
  /** Owner of the head repository; absent = same as the base repository (not a fork). */
  compare_owner: z.string().optional(),
});

const commit = z.strictObject({
  sha: z.string().optional(),
  /** Login of the commit author as linked by GitHub; `""` or absent when not linked. */
  author: z.string().optional(),
  /** Committer NAME (`GitHub` marks a merge made with the web UI). */
  committer: z.string().optional(),
  /** Parent SHAs, or just their number. */
  parents: z.union([z.array(z.string()), z.number().int().min(0)], { error: 'expected an array of parent SHAs or a count' }).optional(),
  committed_at: instant.optional(),
});

const comment = z.strictObject({
  id: z.union([z.number(), z.string()]).optional(),
  author: login,
  body: z.string(),
  created_at: instant.optional(),
  updated_at: instant.optional(),
});

const review = z.strictObject({
  id: z.union([z.number(), z.string()]).optional(),
  author: login,
  /** As GitHub sends it: `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED` (any case). */
  state: z.string().min(1, 'must not be empty'),
  body: z.string().optional(),
  submitted_at: instant.optional(),
});

export const prSnapshotSchema = z.strictObject({
  /** Informative: `owner/name#number`, shown in the output. */
  ref: z.string().optional(),
  pull_request: pullRequest,
  files: z.array(z.string()).default([]),
  /** Oldest first; the last one is the head. */
  commits: z.array(commit).default([]),
  comments: z.array(comment).default([]),
  reviews: z.array(review).default([]),
  /** When the head commit was pushed: feedback before it does not count for `range: head`. */
  head_pushed_at: instant.optional(),
  /** Push times of other commits by SHA (the cutoff commit may be an earlier one when UI merges are skipped). */
  push_times: z.record(z.string(), instant).optional(),
  /** SHAs committed to the base branch since the PR was opened: lets `ignoreuimerge` recognise UI merges. */
  base_shas: z.array(z.string()).default([]),
  closing_issue_authors: z.array(z.string()).default([]),
  audit_ok: z.boolean().default(true),
});

export type PrSnapshotFile = z.infer<typeof prSnapshotSchema>;

/** The snapshot converted to the engine's value types (times in ms since epoch). */
export interface PrSnapshot {
  ref?: string;
  pullRequest: PullRequestInfo;
  files: string[];
  commits: CommitInfo[];
  /** Comments and reviews together, in file order (the engine orders them by time). */
  feedback: FeedbackItem[];
  headPushedAt?: number;
  pushTimes: Map<string, number>;
  baseShas: Set<string>;
  closingIssueAuthors: string[];
  auditOk: boolean;
}

/** One problem in a snapshot file: where (`commits[0].parents`) and what. */
export interface SnapshotIssue {
  path: string;
  message: string;
}

export class PrSnapshotError extends Error {
  readonly issues: SnapshotIssue[];

  constructor(issues: SnapshotIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    this.name = 'PrSnapshotError';
    this.issues = issues;
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out === '' ? '' : '.'}${String(seg)}`;
  return out === '' ? '(top level)' : out;
}

const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

/** Validates parsed JSON as a PR snapshot; throws PrSnapshotError listing every problem. */
export function parsePrSnapshot(data: unknown): PrSnapshot {
  const parsed = prSnapshotSchema.safeParse(data);
  if (!parsed.success) {
    throw new PrSnapshotError(parsed.error.issues.map((i) => ({ path: pathText(i.path), message: i.message })));
  }
  const s = parsed.data;
  const pr = s.pull_request;
  const feedback: FeedbackItem[] = [
    ...s.comments.map((c): FeedbackItem => ({ type: 'comment', author: c.author, body: c.body, at: ms(c.created_at), updatedAt: ms(c.updated_at ?? c.created_at), id: c.id })),
    ...s.reviews.map((r): FeedbackItem => ({ type: 'review', author: r.author, state: r.state, body: r.body, at: ms(r.submitted_at), id: r.id })),
  ];
  return {
    ref: s.ref,
    pullRequest: {
      author: pr.author,
      title: pr.title,
      body: pr.body,
      baseBranch: pr.base_branch,
      compareBranch: pr.compare_branch,
      compareOwner: pr.compare_owner ?? '',
    },
    files: s.files,
    commits: s.commits.map((c) => ({
      sha: c.sha,
      author: (c.author ?? '').toLowerCase(),
      committer: c.committer ?? '',
      parents: Array.isArray(c.parents) ? c.parents.length : (c.parents ?? 1),
      parentShas: Array.isArray(c.parents) ? c.parents : undefined,
      committedAt: ms(c.committed_at),
    })),
    feedback,
    headPushedAt: ms(s.head_pushed_at),
    pushTimes: pushTimes(data),
    baseShas: new Set(s.base_shas),
    closingIssueAuthors: s.closing_issue_authors,
    auditOk: s.audit_ok,
  };
}

/**
 * `push_times` from the input itself, not from the schema's output: a plain-object record would turn a SHA
 * key `__proto__` into a prototype. The schema has already checked every value is an instant.
 */
function pushTimes(data: unknown): Map<string, number> {
  const raw = (data as Record<string, unknown>).push_times;
  const out = new Map<string, number>();
  if (raw !== null && typeof raw === 'object') for (const [sha, at] of Object.entries(raw)) out.set(sha, Date.parse(String(at)));
  return out;
}

/** Parses snapshot JSON text; a syntax error is reported like a schema problem at the top level. */
export function parsePrSnapshotText(text: string): PrSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PrSnapshotError([{ path: '(top level)', message: `not valid JSON: ${(err as Error).message}` }]);
  }
  return parsePrSnapshot(data);
}
