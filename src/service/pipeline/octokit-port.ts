/**
 * `PrGitHub` over Octokit: the only file of the pipeline that knows GitHub's REST shapes. Lists are read
 * with `octokit.paginate` so a PR with many comments or files is seen whole.
 */
import type { Octokit } from '@octokit/rest';
import type { Person } from '../../policy/types.js';
import type {
  CheckRunWrite,
  CommentData,
  CommitData,
  PrGitHub,
  PullData,
  RepoData,
  ReviewData,
  StatusWrite,
} from './github-port.js';

const time = (s: string | null | undefined): number => (s ? Date.parse(s) : 0);

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown }).status;
  return typeof s === 'number' ? s : undefined;
}

/** The answer, or null for a 404 (absent, or invisible to this token). */
export async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

function person(u: { login: string; name?: string | null; email?: string | null }): Person {
  return { login: u.login, name: u.name ?? '', email: u.email ?? '' };
}

export interface OctokitPortOptions {
  /** GitHub App mode: report with check runs as well as the commit status. */
  checks: boolean;
}

export function octokitPort(octokit: Octokit, options: OctokitPortOptions): PrGitHub {
  const port: PrGitHub = {
    async repo({ owner, repo }): Promise<RepoData> {
      const { data } = await octokit.rest.repos.get({ owner, repo });
      return { defaultBranch: data.default_branch, isOrg: data.owner.type === 'Organization', private: data.private };
    },

    async pull({ owner, repo }, number): Promise<PullData> {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
      return {
        number: data.number,
        state: data.state === 'closed' ? 'closed' : 'open',
        merged: Boolean(data.merged),
        draft: Boolean(data.draft),
        title: data.title,
        body: data.body ?? '',
        author: data.user?.login ?? '',
        headSha: data.head.sha,
        headRef: data.head.ref,
        headOwner: data.head.repo?.owner.login ?? '',
        baseRef: data.base.ref,
        baseSha: data.base.sha,
        createdAt: time(data.created_at),
        mergeable: data.mergeable ?? null,
      };
    },

    async pullsForCommit({ owner, repo }, sha): Promise<number[]> {
      const list = await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
        owner,
        repo,
        commit_sha: sha,
        per_page: 100,
      });
      const self = `${owner}/${repo}`.toLowerCase();
      return list
        .filter((p) => p.state === 'open' && p.head.sha === sha && p.base.repo.full_name.toLowerCase() === self)
        .map((p) => p.number);
    },

    async files({ owner, repo }, number): Promise<string[]> {
      const list = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100 });
      return list.map((f) => f.filename);
    },

    async branchCommitsSince({ owner, repo }, branch, since): Promise<string[]> {
      const list = await octokit.paginate(octokit.rest.repos.listCommits, {
        owner,
        repo,
        sha: branch,
        since: new Date(since).toISOString(),
        per_page: 100,
      });
      return list.map((c) => c.sha);
    },

    async commits({ owner, repo }, number): Promise<CommitData[]> {
      const list = await octokit.paginate(octokit.rest.pulls.listCommits, { owner, repo, pull_number: number, per_page: 100 });
      return list.map((c) => ({
        sha: c.sha,
        authorLogin: (c.author?.login ?? '').toLowerCase(),
        committerName: c.commit.committer?.name ?? '',
        committedAt: time(c.commit.committer?.date),
        parents: c.parents.map((p) => p.sha),
      }));
    },

    async comments({ owner, repo }, number): Promise<CommentData[]> {
      const list = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
      return list.map((c) => ({
        id: c.id,
        author: c.user?.login ?? '',
        body: c.body ?? '',
        createdAt: time(c.created_at),
        updatedAt: time(c.updated_at),
      }));
    },

    async reviews({ owner, repo }, number): Promise<ReviewData[]> {
      const list = await octokit.paginate(octokit.rest.pulls.listReviews, { owner, repo, pull_number: number, per_page: 100 });
      return list.map((r) => ({
        id: r.id,
        author: r.user?.login ?? '',
        state: r.state,
        body: r.body ?? '',
        submittedAt: time(r.submitted_at),
      }));
    },

    async file({ owner, repo }, path, gitRef): Promise<string | null> {
      const res = await orNull(octokit.rest.repos.getContent({ owner, repo, path, ...(gitRef ? { ref: gitRef } : {}) }));
      if (res === null) return null;
      const data = res.data;
      if (Array.isArray(data) || data.type !== 'file') return null;
      const content = 'content' in data && typeof data.content === 'string' ? data.content : '';
      return Buffer.from(content, 'base64').toString('utf8');
    },

    async orgMembers(org): Promise<Person[]> {
      const list = await octokit.paginate(octokit.rest.orgs.listMembers, { org, per_page: 100 });
      return list.map((u) => person(u));
    },

    async orgTeams(org): Promise<string[]> {
      const list = await octokit.paginate(octokit.rest.teams.list, { org, per_page: 100 });
      return list.map((t) => t.slug);
    },

    async teamMembers(org, team): Promise<Person[] | null> {
      const list = await orNull(octokit.paginate(octokit.rest.teams.listMembersInOrg, { org, team_slug: team, per_page: 100 }));
      return list === null ? null : list.map((u) => person(u));
    },

    async collaborators({ owner, repo }): Promise<Person[]> {
      const list = await octokit.paginate(octokit.rest.repos.listCollaborators, { owner, repo, per_page: 100 });
      return list.map((u) => person(u));
    },

    async user(login): Promise<Person> {
      const { data } = await octokit.rest.users.getByUsername({ username: login });
      return person(data);
    },

    async issueAuthor({ owner, repo }, number): Promise<string | null> {
      const issue = await orNull(octokit.rest.issues.get({ owner, repo, issue_number: number }));
      return issue?.data.user?.login ?? null;
    },

    async createStatus({ owner, repo }, s: StatusWrite): Promise<void> {
      await octokit.rest.repos.createCommitStatus({ owner, repo, ...s });
    },

    async createIssueComment({ owner, repo }, number, body): Promise<void> {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    },
  };
  if (options.checks) {
    port.createCheckRun = async ({ owner, repo }, run: CheckRunWrite): Promise<number> => {
      const { data } = await octokit.rest.checks.create({ owner, repo, ...run });
      return data.id;
    };
    port.updateCheckRun = async ({ owner, repo }, id, run): Promise<void> => {
      await octokit.rest.checks.update({ owner, repo, check_run_id: id, ...run });
    };
  }
  return port;
}
