/** JSON for pull requests: `pull-request` (full), `pull-request-simple` (lists), `pull-request-minimal` (checks). */
import type { LocalGitHubContext } from '../context.js';
import type { Account, PullRequest, Repo } from '../state/types.js';
import { baseTip, isMergeable } from '../domain/pulls.js';
import { diffTrees } from '../domain/diff.js';

/** OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR or NONE, as GitHub computes it for a user in a repository. */
export function authorAssociation(ctx: LocalGitHubContext, repo: Repo, user: Account): string {
  if (repo.ownerId === user.id) return 'OWNER';
  const owner = ctx.state.accounts.get(repo.ownerId);
  if (owner?.type === 'Organization' && ctx.state.orgMembers.get(owner.id)?.get(user.id)?.state === 'active') return 'MEMBER';
  if (repo.collaborators.has(user.id)) return 'COLLABORATOR';
  for (const p of ctx.state.pullsIn(repo.id)) if (p.userId === user.id && p.merged_at !== null) return 'CONTRIBUTOR';
  return 'NONE';
}

function branchJson(ctx: LocalGitHubContext, repoId: number, ref: string, sha: string): Record<string, unknown> {
  const repo = ctx.state.repos.get(repoId);
  const owner = repo ? ctx.state.account(repo.ownerId) : null;
  return {
    label: `${owner?.login ?? 'unknown'}:${ref}`,
    ref,
    sha,
    user: owner ? ctx.serialize.user(owner) : null,
    repo: repo ? ctx.serialize.repo(repo) : null,
  };
}

export function simplePull(ctx: LocalGitHubContext, repo: Repo, p: PullRequest): Record<string, unknown> {
  const full = ctx.state.fullName(repo);
  const u = ctx.urls.api(`/repos/${full}/pulls/${p.number}`);
  const issue = ctx.urls.api(`/repos/${full}/issues/${p.number}`);
  const html = ctx.urls.web(`/${full}/pull/${p.number}`);
  const statuses = ctx.urls.api(`/repos/${full}/statuses/${p.head.sha}`);
  const user = ctx.state.account(p.userId);
  return {
    url: u,
    id: p.id,
    node_id: p.node_id,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${u}/commits`,
    review_comments_url: `${u}/comments`,
    review_comment_url: ctx.urls.api(`/repos/${full}/pulls/comments{/number}`),
    comments_url: `${issue}/comments`,
    statuses_url: statuses,
    number: p.number,
    state: p.state,
    locked: p.locked,
    title: p.title,
    user: ctx.serialize.user(user),
    body: p.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: ctx.serialize.time(p.created_at),
    updated_at: ctx.serialize.time(p.updated_at),
    closed_at: p.closed_at === null ? null : ctx.serialize.time(p.closed_at),
    merged_at: p.merged_at === null ? null : ctx.serialize.time(p.merged_at),
    merge_commit_sha: p.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: p.requested_reviewers.map((id) => ctx.state.accounts.get(id)).filter((a): a is Account => !!a).map((a) => ctx.serialize.user(a)),
    requested_teams: [],
    head: branchJson(ctx, p.head.repoId, p.head.ref, p.head.sha),
    base: branchJson(ctx, p.repoId, p.base.ref, baseTip(repo, p)),
    _links: {
      self: { href: u },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${u}/comments` },
      review_comment: { href: ctx.urls.api(`/repos/${full}/pulls/comments{/number}`) },
      commits: { href: `${u}/commits` },
      statuses: { href: statuses },
    },
    author_association: authorAssociation(ctx, repo, user),
    auto_merge: null,
    draft: p.draft,
  };
}

export function fullPull(ctx: LocalGitHubContext, repo: Repo, p: PullRequest): Record<string, unknown> {
  const base = baseTip(repo, p);
  const mb = ctx.git.mergeBase(base, p.head.sha);
  const headCommit = ctx.git.commit(p.head.sha);
  const files = headCommit ? diffTrees(ctx.git, mb ? ctx.git.commit(mb)!.tree : null, headCommit.tree) : [];
  const mergeable = isMergeable(ctx, repo, p);
  const merger = p.merged_by === null ? undefined : ctx.state.accounts.get(p.merged_by);
  return Object.assign(simplePull(ctx, repo, p), {
    merged: p.merged_at !== null,
    mergeable,
    rebaseable: mergeable,
    mergeable_state: p.merged_at !== null || p.state === 'closed' ? 'unknown' : mergeable === false ? 'dirty' : p.draft ? 'draft' : mergeableState(ctx, repo, p),
    merged_by: merger ? ctx.serialize.user(merger) : null,
    comments: ctx.state.commentCount(repo.id, p.number),
    review_comments: 0,
    maintainer_can_modify: p.maintainer_can_modify,
    commits: ctx.git.commitsBetween(base, p.head.sha).length,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changed_files: files.length,
  });
}

/** `clean`, `blocked` (required status contexts not all successful) or `behind` (strict protection). */
function mergeableState(ctx: LocalGitHubContext, repo: Repo, p: PullRequest): string {
  const prot = repo.protection.get(p.base.ref);
  const rsc = prot?.required_status_checks;
  if (rsc) {
    const latest = new Map<string, string>();
    for (const s of [...ctx.state.statusesOf(repo.id, p.head.sha)].sort((a, b) => a.id - b.id)) latest.set(s.context, s.state);
    if (rsc.contexts.some((c) => latest.get(c) !== 'success')) return 'blocked';
    if (rsc.strict && !ctx.git.isAncestor(baseTip(repo, p), p.head.sha)) return 'behind';
  }
  return 'clean';
}

/** `pull-request-minimal`, as embedded in check runs and suites. */
export function minimalPull(ctx: LocalGitHubContext, repo: Repo, p: PullRequest): Record<string, unknown> {
  const side = (repoId: number, ref: string, sha: string): Record<string, unknown> => {
    const r = ctx.state.repos.get(repoId);
    return { ref, sha, repo: { id: repoId, url: r ? ctx.urls.api(`/repos/${ctx.state.fullName(r)}`) : '', name: r?.name ?? '' } };
  };
  return {
    id: p.id,
    number: p.number,
    url: ctx.urls.api(`/repos/${ctx.state.fullName(repo)}/pulls/${p.number}`),
    head: side(p.head.repoId, p.head.ref, p.head.sha),
    base: side(repo.id, p.base.ref, baseTip(repo, p)),
  };
}
