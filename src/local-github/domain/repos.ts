/** Repositories: creation, collaborators, pushes and ref moves (which publish `push` on the bus). */
import { nodeId } from '../state/store.js';
import type { Account, GitSignature, Permission, Repo } from '../state/types.js';
import type { LocalGitHubContext } from '../context.js';

const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;

export function createRepo(ctx: LocalGitHubContext, owner: Account, name: string, opts: {
  private?: boolean; description?: string | null; default_branch?: string; files?: Record<string, string>; sender?: Account;
} = {}): Repo {
  const { state } = ctx;
  if (typeof name !== 'string' || !REPO_NAME.test(name) || name === '.' || name === '..') throw new Error(`invalid repository name ${JSON.stringify(name)}`);
  if (state.repoByName(owner.login, name)) throw new Error(`repository ${owner.login}/${name} already exists`);
  const id = state.nextId('repo');
  const now = state.now();
  const repo: Repo = {
    id, node_id: nodeId('Repository', id), ownerId: owner.id, name, description: opts.description ?? null,
    private: opts.private ?? false, fork: false, parentId: null, default_branch: opts.default_branch ?? 'main', archived: false,
    created_at: now, updated_at: now, pushed_at: null, collaborators: new Map(), refs: new Map(), objects: new Set(),
    protection: new Map(), nextNumber: 1,
  };
  state.repos.set(id, repo);
  if (opts.files && Object.keys(opts.files).length) {
    const author = signatureOf(ctx, opts.sender ?? owner);
    const tree = ctx.git.writeTree(new Map(Object.entries(opts.files)));
    const commit = ctx.git.writeCommit({ tree: tree.sha, parents: [], author, committer: author, message: 'Initial commit' });
    ctx.git.adopt(repo, commit.sha);
    repo.refs.set(`refs/heads/${repo.default_branch}`, commit.sha);
    repo.pushed_at = now;
  }
  ctx.bus.emit('repository', { action: 'created', repo, sender: opts.sender ?? owner });
  return repo;
}

export function setCollaborator(repo: Repo, user: Account, permission: Permission | null): void {
  if (permission === null) repo.collaborators.delete(user.id);
  else repo.collaborators.set(user.id, permission);
}

export function signatureOf(ctx: LocalGitHubContext, who: Account, date?: number): GitSignature {
  return { name: who.name ?? who.login, email: who.email ?? `${who.id}+${who.login}@users.noreply.local`, date: date ?? ctx.state.now() };
}

/**
 * Moves a ref and publishes `push` (with the new commits) on the bus. `newSha` null deletes the ref.
 * Returns false when nothing changed.
 */
export function moveRef(ctx: LocalGitHubContext, repo: Repo, ref: string, newSha: string | null, pusher: Account): boolean {
  const before = repo.refs.get(ref) ?? null;
  if (before === newSha) return false;
  // A new branch reports only commits no other branch already has (GitHub's `distinct` commits).
  const known = new Set<string>();
  if (before === null) {
    for (const [name, sha] of repo.refs) if (name !== ref && name.startsWith('refs/heads/')) for (const c of ctx.git.ancestors(sha)) known.add(c);
  }
  if (newSha === null) repo.refs.delete(ref);
  else {
    ctx.git.adopt(repo, newSha);
    repo.refs.set(ref, newSha);
  }
  const now = ctx.state.now();
  repo.pushed_at = now;
  repo.updated_at = now;
  const beforeCommit = before ? ctx.git.peel(before) : null;
  const afterCommit = newSha ? ctx.git.peel(newSha) : null;
  const commits = afterCommit && ctx.git.commit(afterCommit)
    ? ctx.git.commitsBetween(beforeCommit && ctx.git.commit(beforeCommit) ? beforeCommit : '', afterCommit).map((c) => c.sha).filter((c) => !known.has(c))
    : [];
  const forced = !!(beforeCommit && afterCommit && ctx.git.commit(beforeCommit) && !ctx.git.isAncestor(beforeCommit, afterCommit));
  ctx.bus.emit('push', {
    repo, ref, before: before ?? ZERO_SHA, after: newSha ?? ZERO_SHA, commits, pusher,
    created: before === null, deleted: newSha === null, forced,
  });
  return true;
}

export const ZERO_SHA = '0000000000000000000000000000000000000000';

/** Commits file changes on top of a branch (creating it from the default branch if missing) and pushes. */
export function pushFiles(ctx: LocalGitHubContext, repo: Repo, opts: {
  branch: string; files: Record<string, string | null>; message: string; author: Account; from?: string;
}): string {
  const ref = `refs/heads/${opts.branch}`;
  const parent = repo.refs.get(ref) ?? (opts.from ? ctx.git.resolve(repo, opts.from) : repo.refs.get(`refs/heads/${repo.default_branch}`)) ?? null;
  const parentCommit = parent ? ctx.git.commit(parent) : undefined;
  const changes = new Map<string, string | null>();
  for (const [k, v] of Object.entries(opts.files)) changes.set(k, v);
  const tree = ctx.git.writeTree(changes, parentCommit?.tree);
  const sig = signatureOf(ctx, opts.author);
  const commit = ctx.git.writeCommit({ tree: tree.sha, parents: parentCommit ? [parentCommit.sha] : [], author: sig, committer: sig, message: opts.message });
  moveRef(ctx, repo, ref, commit.sha, opts.author);
  return commit.sha;
}
