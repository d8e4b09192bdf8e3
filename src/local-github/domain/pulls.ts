/**
 * Pull requests: open, edit, close/reopen, merge (merge/squash/rebase), update-branch, mergeability, and keeping
 * open PRs in sync with pushes to their head branch (`synchronize`).
 */
import { nodeId } from '../state/store.js';
import type { Account, GitCommit, GitSignature, PullRequest, Repo } from '../state/types.js';
import type { LocalGitHubContext } from '../context.js';
import { GitHubError, errors } from '../http/errors.js';
import { mergeTrees } from './diff.js';
import { moveRef } from './repos.js';

export const GITHUB_COMMITTER = { name: 'GitHub', email: 'noreply@github.com' };

export function openPull(ctx: LocalGitHubContext, repo: Repo, opts: {
  user: Account; title: string; body?: string | null; head: string; base: string; draft?: boolean; maintainer_can_modify?: boolean;
}): PullRequest {
  const { state, git } = ctx;
  if (typeof opts.title !== 'string' || opts.title.trim() === '') throw errors.validation([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
  // `head` is `branch` or `owner:branch` (a fork of this repository).
  let headRepo = repo;
  let headRef = String(opts.head);
  const colon = headRef.indexOf(':');
  if (colon >= 0) {
    const owner = headRef.slice(0, colon);
    headRef = headRef.slice(colon + 1);
    const fork = [...state.repos.values()].find((r) => state.account(r.ownerId).login.toLowerCase() === owner.toLowerCase()
      && (r.id === repo.id || r.parentId === repo.id));
    if (!fork) throw errors.validation([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    headRepo = fork;
  }
  const headSha = headRepo.refs.get(`refs/heads/${headRef}`);
  const baseSha = repo.refs.get(`refs/heads/${opts.base}`);
  if (!baseSha) throw errors.validation([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  if (!headSha) throw errors.validation([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  if (git.isAncestor(headSha, baseSha)) {
    throw errors.validation([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${opts.base} and ${headRef}` }]);
  }
  for (const p of state.pullsOf(repo.id)) {
    if (p.state === 'open' && p.head.repoId === headRepo.id && p.head.ref === headRef && p.base.ref === opts.base) {
      throw errors.validation([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${state.account(headRepo.ownerId).login}:${headRef}.` }]);
    }
  }
  // Fork commits become visible in the base repository (GitHub keeps them under refs/pull/N/head).
  git.adopt(repo, headSha);
  const id = state.nextId('pull');
  const now = state.now();
  const pull: PullRequest = {
    id, node_id: nodeId('PullRequest', id), repoId: repo.id, number: repo.nextNumber++, userId: opts.user.id,
    title: opts.title, body: opts.body ?? null, state: 'open', draft: opts.draft ?? false, locked: false,
    head: { repoId: headRepo.id, ref: headRef, sha: headSha }, base: { ref: opts.base, sha: baseSha },
    merged_at: null, merged_by: null, merge_commit_sha: null, closed_at: null, created_at: now, updated_at: now,
    maintainer_can_modify: opts.maintainer_can_modify ?? false, requested_reviewers: [],
  };
  state.pulls.set(id, pull);
  repo.refs.set(`refs/pull/${pull.number}/head`, headSha);
  ctx.bus.emit('pull_request', { action: 'opened', repo, pull, sender: opts.user });
  return pull;
}

export function editPull(ctx: LocalGitHubContext, repo: Repo, pull: PullRequest, sender: Account, changes: { title?: unknown; body?: unknown; state?: unknown; base?: unknown }): void {
  const diff: Record<string, { from: string }> = {};
  if (changes.title !== undefined) {
    if (typeof changes.title !== 'string' || changes.title.trim() === '') throw errors.validation([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    if (changes.title !== pull.title) { diff.title = { from: pull.title }; pull.title = changes.title; }
  }
  if (changes.body !== undefined) {
    if (changes.body !== null && typeof changes.body !== 'string') throw errors.invalidRequest('For \'properties/body\', is not a string or null.');
    if (changes.body !== pull.body) { diff.body = { from: pull.body ?? '' }; pull.body = changes.body; }
  }
  if (changes.base !== undefined) {
    if (typeof changes.base !== 'string' || !repo.refs.has(`refs/heads/${changes.base}`)) throw errors.validation([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (changes.base !== pull.base.ref) { diff.base = { from: pull.base.ref }; pull.base = { ref: changes.base, sha: repo.refs.get(`refs/heads/${changes.base}`)! }; }
  }
  pull.updated_at = ctx.state.now();
  if (Object.keys(diff).length) ctx.bus.emit('pull_request', { action: 'edited', repo, pull, sender, changes: diff });
  if (changes.state !== undefined) {
    if (changes.state !== 'open' && changes.state !== 'closed') throw errors.validation([{ resource: 'PullRequest', field: 'state', code: 'invalid' }]);
    setPullState(ctx, repo, pull, sender, changes.state);
  }
}

export function setPullState(ctx: LocalGitHubContext, repo: Repo, pull: PullRequest, sender: Account, to: 'open' | 'closed'): void {
  if (pull.state === to) return;
  if (to === 'open') {
    if (pull.merged_at !== null) throw errors.validation([{ resource: 'PullRequest', code: 'custom', message: 'Cannot reopen a merged pull request' }]);
    const head = ctx.state.repos.get(pull.head.repoId)?.refs.get(`refs/heads/${pull.head.ref}`);
    if (!head) throw errors.validation([{ resource: 'PullRequest', field: 'state', code: 'invalid', message: 'state cannot be changed. The head branch was deleted.' }]);
    pull.state = 'open';
    pull.closed_at = null;
    pull.head.sha = head;
  } else {
    pull.state = 'closed';
    pull.closed_at = ctx.state.now();
  }
  pull.updated_at = ctx.state.now();
  ctx.bus.emit('pull_request', { action: to === 'open' ? 'reopened' : 'closed', repo, pull, sender });
}

/** Current tip of the base branch (GitHub reports the live base). */
export function baseTip(repo: Repo, pull: PullRequest): string {
  return pull.state === 'open' ? repo.refs.get(`refs/heads/${pull.base.ref}`) ?? pull.base.sha : pull.base.sha;
}

/**
 * null = conflict; otherwise the merged tree sha. Memoised per commit pair (every PR serialisation asks
 * whether it is mergeable): commits never change, and the merged tree, written to the object store the
 * first time, stays there while the memo lives (it is emptied when the store is swapped).
 */
export function mergedTree(ctx: LocalGitHubContext, baseSha: string, headSha: string): string | null {
  const { git } = ctx;
  return git.memo(`merge\0${baseSha}\0${headSha}`, () => {
    const mb = git.mergeBase(baseSha, headSha);
    const mbTree = mb ? git.commit(mb)!.tree : null;
    return mergeTrees(git, mbTree, git.commit(baseSha)!.tree, git.commit(headSha)!.tree);
  });
}

export function isMergeable(ctx: LocalGitHubContext, repo: Repo, pull: PullRequest): boolean | null {
  if (pull.merged_at !== null) return null;
  return mergedTree(ctx, baseTip(repo, pull), pull.head.sha) !== null;
}

function sig(ctx: LocalGitHubContext, who: { name: string; email: string }): GitSignature {
  return { ...who, date: ctx.state.now() };
}

export function mergePull(ctx: LocalGitHubContext, repo: Repo, pull: PullRequest, merger: Account, opts: {
  merge_method?: unknown; sha?: unknown; commit_title?: unknown; commit_message?: unknown;
}): { sha: string; merged: true; message: string } {
  const { git, state } = ctx;
  const method = opts.merge_method ?? 'merge';
  if (method !== 'merge' && method !== 'squash' && method !== 'rebase') {
    throw errors.invalidRequest(`${JSON.stringify(method)} is not a member of enum "merge_method".`);
  }
  if (pull.state !== 'open' || pull.merged_at !== null) throw new GitHubError(405, 'Pull Request is not mergeable');
  if (opts.sha !== undefined && opts.sha !== pull.head.sha) throw new GitHubError(409, 'Head branch was modified. Review and try the merge again.');
  const base = baseTip(repo, pull);
  const tree = mergedTree(ctx, base, pull.head.sha);
  if (tree === null) throw new GitHubError(405, 'Pull Request is not mergeable');
  const mergerSig = { name: merger.name ?? merger.login, email: merger.email ?? `${merger.id}+${merger.login}@users.noreply.local` };
  const headRepo = state.repos.get(pull.head.repoId);
  const headLabel = `${headRepo ? state.account(headRepo.ownerId).login : 'unknown'}/${pull.head.ref}`;
  const title = typeof opts.commit_title === 'string' ? opts.commit_title : undefined;
  const extra = typeof opts.commit_message === 'string' ? opts.commit_message : undefined;
  let newTip: string;
  if (method === 'merge') {
    const message = `${title ?? `Merge pull request #${pull.number} from ${headLabel}`}\n\n${extra ?? pull.title}`;
    newTip = git.writeCommit({ tree, parents: [base, pull.head.sha], author: sig(ctx, mergerSig), committer: sig(ctx, GITHUB_COMMITTER), message }).sha;
  } else if (method === 'squash') {
    const commits = git.commitsBetween(base, pull.head.sha);
    const message = `${title ?? `${pull.title} (#${pull.number})`}\n\n${extra ?? commits.map((c) => `* ${c.message}`).join('\n\n')}`;
    const author = commits[0]?.author ?? sig(ctx, mergerSig);
    newTip = git.writeCommit({ tree, parents: [base], author: { ...author, date: state.now() }, committer: sig(ctx, GITHUB_COMMITTER), message }).sha;
  } else {
    newTip = rebaseOnto(ctx, base, git.commitsBetween(base, pull.head.sha));
  }
  const now = state.now();
  pull.state = 'closed';
  pull.merged_at = now;
  pull.closed_at = now;
  pull.merged_by = merger.id;
  pull.merge_commit_sha = newTip;
  pull.base.sha = base;
  pull.updated_at = now;
  moveRef(ctx, repo, `refs/heads/${pull.base.ref}`, newTip, merger);
  ctx.bus.emit('pull_request', { action: 'closed', repo, pull, sender: merger });
  return { sha: newTip, merged: true, message: 'Pull Request successfully merged' };
}

/** Replays commits one by one on `onto`; throws 405 when one does not apply cleanly. */
function rebaseOnto(ctx: LocalGitHubContext, onto: string, commits: GitCommit[]): string {
  const { git } = ctx;
  let tip = onto;
  for (const c of commits) {
    const parentTree = c.parents[0] ? git.commit(c.parents[0])?.tree ?? null : null;
    const tree = mergeTrees(git, parentTree, git.commit(tip)!.tree, c.tree);
    if (tree === null) throw new GitHubError(405, 'This branch can\'t be rebased');
    tip = git.writeCommit({ tree, parents: [tip], author: c.author, committer: sig(ctx, GITHUB_COMMITTER), message: c.message }).sha;
  }
  return tip;
}

/** Merges the base branch into the head branch with a commit by "GitHub" (PUT .../update-branch). */
export function updateBranch(ctx: LocalGitHubContext, repo: Repo, pull: PullRequest, sender: Account, expectedHead?: unknown): string {
  const { git, state } = ctx;
  if (expectedHead !== undefined && expectedHead !== pull.head.sha) {
    throw errors.unprocessable('expected head sha didn’t match current head ref.');
  }
  const base = baseTip(repo, pull);
  if (git.isAncestor(base, pull.head.sha)) throw errors.unprocessable('There are no new commits on the base branch.');
  const headRepo = state.repos.get(pull.head.repoId);
  if (!headRepo) throw errors.notFound();
  const tree = mergedTree(ctx, pull.head.sha, base);
  if (tree === null) throw errors.unprocessable('merge conflict between base and head');
  const s = sig(ctx, GITHUB_COMMITTER);
  const commit = git.writeCommit({ tree, parents: [pull.head.sha, base], author: { ...s, name: sender.name ?? sender.login, email: sender.email ?? `${sender.id}+${sender.login}@users.noreply.local` }, committer: s, message: `Merge branch '${pull.base.ref}' into ${pull.head.ref}` });
  moveRef(ctx, headRepo, `refs/heads/${pull.head.ref}`, commit.sha, sender);
  return commit.sha;
}

/** Keeps open PRs on a pushed branch in sync and fires `pull_request.synchronize`. */
export function wirePullSync(ctx: LocalGitHubContext): void {
  ctx.bus.on('push', (e) => {
    if (!e.ref.startsWith('refs/heads/') || e.deleted) return;
    const branch = e.ref.slice('refs/heads/'.length);
    for (const pull of ctx.state.pulls.values()) {
      if (pull.state !== 'open' || pull.head.repoId !== e.repo.id || pull.head.ref !== branch || pull.head.sha === e.after) continue;
      const before = pull.head.sha;
      pull.head.sha = e.after;
      pull.updated_at = ctx.state.now();
      const base = ctx.state.repos.get(pull.repoId);
      if (!base) continue;
      ctx.git.adopt(base, e.after);
      base.refs.set(`refs/pull/${pull.number}/head`, e.after);
      ctx.bus.emit('pull_request', { action: 'synchronize', repo: base, pull, sender: e.pusher, before, after: e.after });
    }
  });
}
