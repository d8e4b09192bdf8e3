/**
 * Repository visibility and permission rules. A caller who may not see a private repository gets 404, never 403;
 * a caller who can see it but lacks rights gets 403 (installations: "Resource not accessible by integration").
 */
import type { State } from '../state/store.js';
import { installationCovers } from '../state/store.js';
import type { AppPermissionLevel, Permission, Repo } from '../state/types.js';
import { RANK } from '../serialize/repos.js';
import { errors } from '../http/errors.js';
import type { Caller } from './caller.js';

/** The highest permission a user has on a repository, from ownership, org role, collaborators and teams. */
export function userPermission(state: State, userId: number, repo: Repo): Permission | null {
  if (repo.ownerId === userId) return 'admin';
  let best: Permission | null = repo.private ? null : 'read';
  const bump = (p: Permission): void => {
    if (best === null || RANK[p] > RANK[best]) best = p;
  };
  const owner = state.accounts.get(repo.ownerId);
  if (owner?.type === 'Organization') {
    const m = state.orgMembers.get(owner.id)?.get(userId);
    if (m?.state === 'active') bump(m.role === 'admin' ? 'admin' : 'read');
    for (const team of state.teams.values()) {
      if (team.orgId !== owner.id || !team.members.has(userId)) continue;
      // A team's grant also reaches members of its child teams.
      for (let t: typeof team | undefined = team; t; t = t.parentId === null ? undefined : state.teams.get(t.parentId)) {
        const p = t.repos.get(repo.id);
        if (p) bump(p);
      }
    }
  }
  const c = repo.collaborators.get(userId);
  if (c) bump(c);
  return best;
}

/** What the caller may do on the repository; null means it is invisible (404). */
export function callerPermission(state: State, caller: Caller, repo: Repo): Permission | null {
  switch (caller.kind) {
    case 'anonymous':
    case 'app':
      return repo.private ? null : 'read';
    case 'user': {
      const p = userPermission(state, caller.userId!, repo);
      // Classic tokens without the `repo` scope cannot see private repositories at all.
      if (repo.private && p !== null && !(caller.scopes ?? []).includes('repo')) return null;
      return p;
    }
    case 'installation': {
      const inst = state.installations.get(caller.installationId!);
      const covered = !!inst && installationCovers(inst, repo) && (caller.repoIds == null || caller.repoIds.includes(repo.id));
      if (!covered) return repo.private ? null : 'read';
      const perms = caller.permissions ?? {};
      if (perms.administration === 'write') return 'admin';
      if (perms.contents === 'write') return 'write';
      return 'read';
    }
  }
}

export interface RepoNeed {
  /** Minimum repository role for users (and anonymous). */
  user?: Permission;
  /** Installation permission required, e.g. `['pull_requests', 'write']`. */
  app?: [string, AppPermissionLevel];
}

/** Throws GitHub's answer when the caller lacks `need` on a repository it can see. */
export function requireAccess(state: State, caller: Caller, repo: Repo, need: RepoNeed = {}): Permission {
  const perm = callerPermission(state, caller, repo);
  if (perm === null) throw errors.notFound();
  if (caller.kind === 'installation') {
    const inst = state.installations.get(caller.installationId!);
    const covered = !!inst && installationCovers(inst, repo) && (caller.repoIds == null || caller.repoIds.includes(repo.id));
    if (need.app && (!covered || !hasAppPermission(caller.permissions ?? {}, need.app[0], need.app[1]))) {
      throw errors.notAccessibleByIntegration();
    }
    if (!need.app && need.user && RANK[perm] < RANK[need.user]) throw errors.notAccessibleByIntegration();
    return perm;
  }
  if (need.user && RANK[perm] < RANK[need.user]) {
    if (caller.kind === 'anonymous') throw errors.requiresAuth();
    if (need.user === 'admin') throw errors.forbidden('Must have admin rights to Repository.');
    // GitHub hides write endpoints from read-only users behind a 404 (it does not confirm they exist).
    throw errors.notFound();
  }
  return perm;
}

const LEVEL: Record<AppPermissionLevel, number> = { read: 1, write: 2, admin: 3 };

export function hasAppPermission(perms: Record<string, AppPermissionLevel>, name: string, level: AppPermissionLevel): boolean {
  const have = Object.prototype.hasOwnProperty.call(perms, name) ? perms[name] : undefined;
  return have !== undefined && LEVEL[have] >= LEVEL[level];
}
