/** Webhook payloads for the core events (push, pull_request, issue_comment, pull_request_review, status, ...). */
import type { LocalGitHubContext } from '../context.js';
import type { Account, GitCommit, Repo } from '../state/types.js';
import type { IssueCommentEvent, PullRequestEvent, PushEvent, ReviewEvent, StatusEvent } from './bus.js';
import { authorAssociation, fullPull } from '../serialize/pulls.js';
import { commentJson, reviewJson, statusJson } from '../serialize/feedback.js';
import { commitJson } from '../serialize/git.js';
import { diffTrees } from '../domain/diff.js';

function orgOf(ctx: LocalGitHubContext, repo: Repo): Record<string, unknown> {
  const owner = ctx.state.account(repo.ownerId);
  return owner.type === 'Organization' ? { organization: ctx.serialize.org(owner) } : {};
}

export function base(ctx: LocalGitHubContext, repo: Repo, sender: Account): Record<string, unknown> {
  return { repository: ctx.serialize.repo(repo), ...orgOf(ctx, repo), sender: ctx.serialize.user(sender) };
}

function pushCommit(ctx: LocalGitHubContext, repo: Repo, c: GitCommit): Record<string, unknown> {
  const parentTree = c.parents[0] ? ctx.git.commit(c.parents[0])?.tree ?? null : null;
  const files = diffTrees(ctx.git, parentTree, c.tree);
  const who = (s: GitCommit['author']): Record<string, unknown> => ({ name: s.name, email: s.email, date: ctx.serialize.time(s.date), username: undefined });
  return {
    id: c.sha, tree_id: c.tree, distinct: true, message: c.message, timestamp: ctx.serialize.time(c.committer.date),
    url: ctx.urls.web(`/${ctx.state.fullName(repo)}/commit/${c.sha}`), author: who(c.author), committer: who(c.committer),
    added: files.filter((f) => f.status === 'added').map((f) => f.filename),
    removed: files.filter((f) => f.status === 'removed').map((f) => f.filename),
    modified: files.filter((f) => f.status === 'modified').map((f) => f.filename),
  };
}

export function pushPayload(ctx: LocalGitHubContext, e: PushEvent): Record<string, unknown> {
  const commits = e.commits.map((s) => ctx.git.commit(s)).filter((c): c is GitCommit => !!c).slice(-20).map((c) => pushCommit(ctx, e.repo, c));
  const headSha = e.deleted ? null : ctx.git.peel(e.after);
  const head = headSha ? ctx.git.commit(headSha) : undefined;
  const repo = ctx.serialize.repo(e.repo);
  // The push payload's repository carries epoch-second timestamps and `stargazers`/`master_branch`, as GitHub's does.
  const pushRepo = { ...repo, created_at: Math.floor(e.repo.created_at / 1000), pushed_at: Math.floor((e.repo.pushed_at ?? e.repo.created_at) / 1000), stargazers: 0, master_branch: e.repo.default_branch };
  return {
    ref: e.ref, before: e.before, after: e.after, repository: pushRepo, ...orgOf(ctx, e.repo),
    pusher: { name: e.pusher.login, email: e.pusher.email }, sender: ctx.serialize.user(e.pusher),
    created: e.created, deleted: e.deleted, forced: e.forced, base_ref: null,
    compare: ctx.urls.web(`/${ctx.state.fullName(e.repo)}/compare/${e.before.slice(0, 12)}...${e.after.slice(0, 12)}`),
    commits, head_commit: head ? pushCommit(ctx, e.repo, head) : null,
  };
}

export function pullRequestPayload(ctx: LocalGitHubContext, e: PullRequestEvent): Record<string, unknown> {
  const out: Record<string, unknown> = { action: e.action, number: e.pull.number, pull_request: fullPull(ctx, e.repo, e.pull), ...base(ctx, e.repo, e.sender) };
  if (e.action === 'synchronize') { out.before = e.before; out.after = e.after; }
  if (e.action === 'edited') out.changes = e.changes ?? {};
  return out;
}

/**
 * The PR seen as an issue, as `issue_comment` payloads carry it (with `pull_request`). Built from the PR record
 * directly: none of it needs the diff, merge or commit figures a full pull request serialisation computes.
 */
export function issueOfPull(ctx: LocalGitHubContext, repo: Repo, number: number): Record<string, unknown> {
  const p = ctx.state.pull(repo.id, number);
  if (!p) return { number };
  const full = ctx.state.fullName(repo);
  const repoUrl = ctx.urls.api(`/repos/${full}`);
  const issue = `${repoUrl}/issues/${number}`;
  const pullUrl = `${repoUrl}/pulls/${number}`;
  const html = ctx.urls.web(`/${full}/pull/${number}`);
  const user = ctx.state.account(p.userId);
  const mergedAt = p.merged_at === null ? null : ctx.serialize.time(p.merged_at);
  const comments = ctx.state.commentCount(repo.id, number);
  return {
    url: issue, repository_url: repoUrl, labels_url: `${issue}/labels{/name}`, comments_url: `${issue}/comments`,
    events_url: `${issue}/events`, html_url: html,
    id: p.id, node_id: p.node_id, number, title: p.title, user: ctx.serialize.user(user), labels: [], state: p.state, locked: p.locked, assignee: null,
    assignees: [], milestone: null, comments, created_at: ctx.serialize.time(p.created_at), updated_at: ctx.serialize.time(p.updated_at),
    closed_at: p.closed_at === null ? null : ctx.serialize.time(p.closed_at),
    author_association: authorAssociation(ctx, repo, user), active_lock_reason: null, body: p.body, reactions: emptyReactions(pullUrl),
    performed_via_github_app: null, state_reason: null, timeline_url: `${issue}/timeline`,
    pull_request: { url: pullUrl, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: mergedAt },
  };
}

function emptyReactions(url: string): Record<string, unknown> {
  return { url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}

export function issueCommentPayload(ctx: LocalGitHubContext, e: IssueCommentEvent): Record<string, unknown> {
  const comment = commentJson(ctx, e.repo, e.comment);
  const out: Record<string, unknown> = {
    action: e.action, issue: issueOfPull(ctx, e.repo, e.comment.number),
    comment: { ...comment, reactions: emptyReactions(comment.url as string) }, ...base(ctx, e.repo, e.sender),
  };
  if (e.action === 'edited') out.changes = e.changes ?? {};
  return out;
}

export function reviewPayload(ctx: LocalGitHubContext, e: ReviewEvent): Record<string, unknown> {
  const p = ctx.state.pull(e.repo.id, e.review.number)!;
  const out: Record<string, unknown> = { action: e.action, review: reviewJson(ctx, e.repo, e.review, true), pull_request: fullPull(ctx, e.repo, p), ...base(ctx, e.repo, e.sender) };
  if (e.action === 'edited') out.changes = e.changes ?? {};
  return out;
}

export function statusPayload(ctx: LocalGitHubContext, e: StatusEvent): Record<string, unknown> {
  const s = statusJson(ctx, e.repo, e.status);
  const c = ctx.git.commit(e.status.sha)!;
  // One pass over the refs, without copying them (a busy repository holds a branch and a pull ref per PR).
  const branches: Record<string, unknown>[] = [];
  for (const [ref, sha] of e.repo.refs) {
    if (sha !== e.status.sha || !ref.startsWith('refs/heads/')) continue;
    branches.push({ name: ref.slice(11), commit: { sha, url: ctx.urls.api(`/repos/${ctx.state.fullName(e.repo)}/commits/${sha}`) }, protected: e.repo.protection.has(ref.slice(11)) });
  }
  return {
    id: e.status.id, sha: e.status.sha, name: ctx.state.fullName(e.repo), target_url: s.target_url, avatar_url: s.avatar_url, context: s.context,
    description: s.description, state: s.state, commit: commitJson(ctx, e.repo, c), branches, created_at: s.created_at, updated_at: s.updated_at,
    ...base(ctx, e.repo, e.sender),
  };
}
