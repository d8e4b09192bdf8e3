/** Repositories: get/list/create/edit, collaborators and permissions, branches, branch protection. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GitHubError } from '../http/errors.js';
import type { LocalGitHubContext } from '../context.js';
import type { Account, BranchProtection, Permission, Repo } from '../state/types.js';
import { createRepo } from '../domain/repos.js';
import { shortBranch, commitJson } from '../serialize/git.js';
import { body, params, query } from './util.js';

const PERMS: Record<string, Permission> = { pull: 'read', read: 'read', triage: 'triage', push: 'write', write: 'write', maintain: 'maintain', admin: 'admin' };

export function registerRepos(api: FastifyInstance, ctx: LocalGitHubContext): void {
  const { state, errors } = ctx;
  const repoOf = (req: FastifyRequest, need?: Parameters<LocalGitHubContext['repo']>[3]): Repo =>
    ctx.repo(req, params(req).owner, params(req).repo, need);
  const visible = (req: FastifyRequest, repos: Repo[]): Record<string, unknown>[] => {
    const c = ctx.caller(req);
    return repos.map((r) => [r, ctx.permission(c, r)] as const).filter(([, p]) => p !== null).sort((a, b) => a[0].id - b[0].id).map(([r, p]) => ctx.serialize.repo(r, p));
  };

  /** GitHub's `full-repository` (GET and PATCH answer it): the repository plus its organization and counts. */
  const fullRepository = (req: FastifyRequest, r: Repo): Record<string, unknown> => {
    const full = ctx.serialize.repo(r, ctx.permission(ctx.caller(req), r));
    const owner = state.account(r.ownerId);
    if (owner.type === 'Organization') full.organization = ctx.serialize.user(owner);
    return Object.assign(full, { network_count: 0, subscribers_count: 0 });
  };

  api.get('/repos/:owner/:repo', async (req) => fullRepository(req, repoOf(req)));

  api.patch('/repos/:owner/:repo', async (req) => {
    const r = repoOf(req, { user: 'admin', app: ['administration', 'write'] });
    const b = body(req);
    if (b.default_branch !== undefined) {
      if (typeof b.default_branch !== 'string' || !r.refs.has(`refs/heads/${b.default_branch}`)) {
        throw errors.validation([{ resource: 'Repository', field: 'default_branch', code: 'invalid' }]);
      }
      r.default_branch = b.default_branch;
    }
    if (b.description !== undefined) r.description = typeof b.description === 'string' ? b.description : null;
    if (typeof b.private === 'boolean' && b.private !== r.private) {
      r.private = b.private;
      ctx.bus.emit('repository', { action: r.private ? 'privatized' : 'publicized', repo: r, sender: ctx.actor(req) });
    }
    if (typeof b.archived === 'boolean') r.archived = b.archived;
    r.updated_at = state.now();
    return fullRepository(req, r);
  });

  const create = (req: FastifyRequest, owner: Account): Record<string, unknown> => {
    const b = body(req);
    if (typeof b.name !== 'string' || b.name === '') throw errors.validation([{ resource: 'Repository', field: 'name', code: 'missing_field' }]);
    if (state.repoByName(owner.login, b.name)) throw errors.validation([{ resource: 'Repository', field: 'name', code: 'custom', message: 'name already exists on this account' }]);
    let repo: Repo;
    try {
      repo = createRepo(ctx, owner, b.name, {
        private: b.private === true || b.visibility === 'private', description: typeof b.description === 'string' ? b.description : null,
        files: b.auto_init === true ? { 'README.md': `# ${b.name}\n` } : undefined, sender: ctx.actor(req),
      });
    } catch (err) {
      throw errors.validation([{ resource: 'Repository', field: 'name', code: 'custom', message: (err as Error).message }]);
    }
    return ctx.serialize.repo(repo, 'admin');
  };

  api.post('/user/repos', async (req, reply) => {
    const c = ctx.caller(req);
    if (c.kind !== 'user') throw c.kind === 'anonymous' ? errors.requiresAuth() : errors.notAccessibleByIntegration();
    return reply.code(201).send(create(req, state.account(c.userId!)));
  });

  api.post('/orgs/:org/repos', async (req, reply) => {
    const o = state.accountByLogin(params(req).org);
    const c = ctx.caller(req);
    if (!o || o.type !== 'Organization') throw errors.notFound();
    const role = c.userId === undefined ? undefined : state.orgMembers.get(o.id)?.get(c.userId);
    const instOk = c.kind === 'installation' && state.installations.get(c.installationId!)?.accountId === o.id && ctx.hasAppPermission(c.permissions ?? {}, 'administration', 'write');
    if (!instOk && role?.state !== 'active') throw errors.notFound();
    return reply.code(201).send(create(req, o));
  });

  api.get('/orgs/:org/repos', async (req, reply) => {
    const o = state.accountByLogin(params(req).org);
    if (!o || o.type !== 'Organization') throw errors.notFound();
    return ctx.paginate(req, reply, visible(req, [...state.repos.values()].filter((r) => r.ownerId === o.id)), ctx.urls.api(`/organizations/${o.id}/repos`));
  });

  api.get('/users/:login/repos', async (req, reply) => {
    const u = state.accountByLogin(params(req).login);
    if (!u) throw errors.notFound();
    const list = visible(req, [...state.repos.values()].filter((r) => r.ownerId === u.id && !r.private));
    return ctx.paginate(req, reply, list, ctx.urls.api(`/user/${u.id}/repos`));
  });

  api.get('/user/repos', async (req, reply) => {
    const c = ctx.caller(req);
    if (c.kind !== 'user') throw c.kind === 'anonymous' ? errors.requiresAuth() : errors.notAccessibleByIntegration();
    const list = [...state.repos.values()].filter((r) => ctx.userPermission(c.userId!, r) !== null && (r.ownerId === c.userId || !r.private || ctx.userPermission(c.userId!, r) !== null));
    const mine = list.filter((r) => r.ownerId === c.userId || r.collaborators.has(c.userId!) || state.account(r.ownerId).type === 'Organization' && state.orgMembers.get(r.ownerId)?.get(c.userId!)?.state === 'active');
    return ctx.paginate(req, reply, visible(req, mine), ctx.urls.api('/user/repos'));
  });

  // ---- collaborators ----

  api.get('/repos/:owner/:repo/collaborators', async (req, reply) => {
    const r = repoOf(req, { user: 'write', app: ['metadata', 'read'] });
    const users = new Set<number>([...r.collaborators.keys()]);
    const owner = state.account(r.ownerId);
    if (owner.type === 'User') users.add(owner.id);
    else {
      for (const [id, m] of state.orgMembers.get(owner.id) ?? []) if (m.state === 'active' && m.role === 'admin') users.add(id);
      for (const t of state.teams.values()) if (t.orgId === owner.id && t.repos.has(r.id)) for (const id of t.members.keys()) users.add(id);
    }
    const affiliation = query(req).affiliation ?? 'all';
    const list = [...users].filter((id) => affiliation !== 'direct' || r.collaborators.has(id)).sort((a, b) => a - b).map((id) => {
      const p = ctx.userPermission(id, r) ?? 'read';
      return { ...ctx.serialize.user(state.account(id)), permissions: ctx.serialize.permissionFlags(p), role_name: p };
    });
    return ctx.paginate(req, reply, list, ctx.repoApiUrlById(r, '/collaborators'));
  });

  api.get('/repos/:owner/:repo/collaborators/:username', async (req, reply) => {
    const r = repoOf(req);
    const u = state.accountByLogin(params(req).username);
    const p = u ? ctx.userPermission(u.id, r) : null;
    if (!u || p === null || (!r.private && p === 'read' && !r.collaborators.has(u.id))) throw errors.notFound();
    return reply.code(204).send();
  });

  api.get('/repos/:owner/:repo/collaborators/:username/permission', async (req) => {
    const r = repoOf(req);
    const u = state.accountByLogin(params(req).username);
    if (!u) throw errors.notFound();
    const p = ctx.userPermission(u.id, r);
    // GitHub reports the legacy name here: admin, write, read or none (maintain → write, triage → read).
    const legacy = p === null ? 'none' : p === 'admin' ? 'admin' : p === 'maintain' || p === 'write' ? 'write' : 'read';
    return { permission: legacy, role_name: p ?? 'none', user: { ...ctx.serialize.user(u), permissions: p ? ctx.serialize.permissionFlags(p) : undefined, role_name: p ?? 'none' } };
  });

  api.put('/repos/:owner/:repo/collaborators/:username', async (req, reply) => {
    const r = repoOf(req, { user: 'admin', app: ['administration', 'write'] });
    const u = state.accountByLogin(params(req).username);
    if (!u || u.type !== 'User') throw errors.notFound();
    const b = body(req);
    const perm = b.permission === undefined ? 'write' : PERMS[String(b.permission)];
    if (!perm) throw errors.validation([{ resource: 'Repository', field: 'permission', code: 'invalid' }]);
    r.collaborators.set(u.id, perm);
    return reply.code(204).send();
  });

  api.delete('/repos/:owner/:repo/collaborators/:username', async (req, reply) => {
    const r = repoOf(req, { user: 'admin', app: ['administration', 'write'] });
    const u = state.accountByLogin(params(req).username);
    if (u) r.collaborators.delete(u.id);
    return reply.code(204).send();
  });

  api.get('/repos/:owner/:repo/teams', async (req, reply) => {
    const r = repoOf(req);
    const list = [...state.teams.values()].filter((t) => t.repos.has(r.id)).map((t) => ({
      id: t.id, node_id: t.node_id, name: t.name, slug: t.slug, description: t.description, privacy: t.privacy, permission: t.repos.get(r.id) === 'write' ? 'push' : t.repos.get(r.id) === 'read' ? 'pull' : t.repos.get(r.id),
      url: ctx.urls.api(`/organizations/${t.orgId}/team/${t.id}`), html_url: ctx.urls.web(`/orgs/${state.account(t.orgId).login}/teams/${t.slug}`),
      members_url: ctx.urls.api(`/organizations/${t.orgId}/team/${t.id}/members{/member}`), repositories_url: ctx.urls.api(`/organizations/${t.orgId}/team/${t.id}/repos`), parent: null, notification_setting: 'notifications_enabled', type: 'organization', organization_id: t.orgId,
    }));
    return ctx.paginate(req, reply, list, ctx.repoApiUrlById(r, '/teams'));
  });

  // ---- branches and protection ----

  api.get('/repos/:owner/:repo/branches', async (req, reply) => {
    const r = repoOf(req);
    const prot = query(req).protected;
    const list = [...r.refs].filter(([ref]) => ref.startsWith('refs/heads/')).map(([ref, sha]) => shortBranch(ctx, r, ref.slice(11), sha))
      .filter((b) => prot === undefined || String(b.protected) === prot).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    return ctx.paginate(req, reply, list, ctx.repoApiUrlById(r, '/branches'));
  });

  api.get('/repos/:owner/:repo/branches/*', async (req, reply) => {
    const r = repoOf(req);
    const rest = (params(req)['*'] ?? '');
    const m = /^(.*)\/protection(\/required_status_checks(\/contexts)?)?$/.exec(rest);
    if (m && !r.refs.has(`refs/heads/${rest}`)) return protectionGet(req, reply, r, m[1], m[2] ? (m[3] ? 'contexts' : 'checks') : 'all');
    const sha = r.refs.get(`refs/heads/${rest}`);
    if (!sha) throw new GitHubError(404, 'Branch not found');
    const c = ctx.git.commit(sha)!;
    const u = ctx.repoApiUrlById(r, `/branches/${rest}`);
    const p = r.protection.get(rest);
    return {
      name: rest, commit: commitJson(ctx, r, c), _links: { self: u, html: ctx.urls.web(`/${state.fullName(r)}/tree/${rest}`) },
      protected: !!p, protection: { enabled: !!p, required_status_checks: { enforcement_level: p?.required_status_checks ? 'non_admins' : 'off', contexts: p?.required_status_checks?.contexts ?? [], checks: (p?.required_status_checks?.contexts ?? []).map((context) => ({ context, app_id: null })) } },
      protection_url: `${u}/protection`,
    };
  });

  const protectionUrl = (r: Repo, branch: string): string => ctx.urls.api(`/repos/${state.fullName(r)}/branches/${branch}/protection`);
  const checksJson = (r: Repo, branch: string, rsc: NonNullable<BranchProtection['required_status_checks']>): Record<string, unknown> => ({
    url: `${protectionUrl(r, branch)}/required_status_checks`, strict: rsc.strict, contexts: [...rsc.contexts],
    checks: rsc.contexts.map((context) => ({ context, app_id: null })), contexts_url: `${protectionUrl(r, branch)}/required_status_checks/contexts`,
  });

  async function protectionGet(req: FastifyRequest, reply: FastifyReply, r: Repo, branch: string, what: 'all' | 'checks' | 'contexts'): Promise<unknown> {
    requireAdminRead(req, r);
    if (!r.refs.has(`refs/heads/${branch}`)) throw errors.notFound();
    const p = r.protection.get(branch);
    if (!p) throw new GitHubError(404, 'Branch not protected');
    if (what === 'all') {
      return reply.send({
        url: protectionUrl(r, branch),
        required_status_checks: p.required_status_checks ? checksJson(r, branch, p.required_status_checks) : undefined,
        enforce_admins: { url: `${protectionUrl(r, branch)}/enforce_admins`, enabled: p.enforce_admins },
        required_pull_request_reviews: p.required_approving_review_count === null ? undefined : { url: `${protectionUrl(r, branch)}/required_pull_request_reviews`, dismiss_stale_reviews: false, require_code_owner_reviews: false, required_approving_review_count: p.required_approving_review_count },
      });
    }
    if (!p.required_status_checks) throw new GitHubError(404, 'Required status checks not enabled');
    return reply.send(what === 'checks' ? checksJson(r, branch, p.required_status_checks) : [...p.required_status_checks.contexts]);
  }

  const requireAdminRead = (req: FastifyRequest, r: Repo): void => {
    ctx.repo(req, state.account(r.ownerId).login, r.name, { user: 'admin', app: ['administration', 'read'] });
  };
  const requireAdminWrite = (req: FastifyRequest, r: Repo): void => {
    ctx.repo(req, state.account(r.ownerId).login, r.name, { user: 'admin', app: ['administration', 'write'] });
  };

  const contextsOf = (v: unknown, field = 'contexts'): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw errors.invalidRequest(`For 'properties/${field}', ${JSON.stringify(v)} is not an array of strings.`);
    return [...new Set(v as string[])];
  };

  api.put('/repos/:owner/:repo/branches/*', async (req) => {
    const r = repoOf(req);
    const m = /^(.*)\/protection(\/required_status_checks\/contexts)?$/.exec(params(req)['*'] ?? '');
    if (!m) throw errors.notFound();
    requireAdminWrite(req, r);
    const branch = m[1];
    if (!r.refs.has(`refs/heads/${branch}`)) throw errors.notFound();
    const b = body(req);
    if (m[2]) {
      const p = r.protection.get(branch);
      if (!p?.required_status_checks) throw errors.notFound();
      p.required_status_checks.contexts = contextsOf(Array.isArray(req.body) ? req.body : b.contexts);
      return [...p.required_status_checks.contexts];
    }
    for (const f of ['required_status_checks', 'enforce_admins', 'required_pull_request_reviews', 'restrictions']) {
      if (!(f in b)) throw errors.invalidRequest(`"${f}" wasn't supplied.`);
    }
    const rsc = b.required_status_checks as { strict?: unknown; contexts?: unknown } | null;
    const reviews = b.required_pull_request_reviews as { required_approving_review_count?: unknown } | null;
    const p: BranchProtection = {
      required_status_checks: rsc ? { strict: rsc.strict === true, contexts: contextsOf(rsc.contexts ?? []) } : null,
      enforce_admins: b.enforce_admins === true,
      required_approving_review_count: reviews ? Number(reviews.required_approving_review_count ?? 1) : null,
    };
    r.protection.set(branch, p);
    return {
      url: protectionUrl(r, branch),
      required_status_checks: p.required_status_checks ? checksJson(r, branch, p.required_status_checks) : undefined,
      enforce_admins: { url: `${protectionUrl(r, branch)}/enforce_admins`, enabled: p.enforce_admins },
    };
  });

  api.patch('/repos/:owner/:repo/branches/*', async (req) => {
    const r = repoOf(req);
    const m = /^(.*)\/protection\/required_status_checks$/.exec(params(req)['*'] ?? '');
    if (!m) throw errors.notFound();
    requireAdminWrite(req, r);
    const p = r.protection.get(m[1]);
    if (!p) throw errors.notFound();
    const b = body(req);
    const rsc = p.required_status_checks ?? { strict: false, contexts: [] };
    if (b.strict !== undefined) rsc.strict = b.strict === true;
    if (b.contexts !== undefined) rsc.contexts = contextsOf(b.contexts);
    if (b.checks !== undefined) rsc.contexts = contextsOf((Array.isArray(b.checks) ? b.checks : []).map((c: { context?: unknown }) => c?.context), 'checks');
    p.required_status_checks = rsc;
    return checksJson(r, m[1], rsc);
  });

  api.post('/repos/:owner/:repo/branches/*', async (req) => {
    const r = repoOf(req);
    const m = /^(.*)\/protection\/required_status_checks\/contexts$/.exec(params(req)['*'] ?? '');
    if (!m) throw errors.notFound();
    requireAdminWrite(req, r);
    const rsc = r.protection.get(m[1])?.required_status_checks;
    if (!rsc) throw errors.notFound();
    const add = contextsOf(Array.isArray(req.body) ? req.body : body(req).contexts);
    rsc.contexts = [...new Set([...rsc.contexts, ...add])];
    return [...rsc.contexts];
  });

  api.delete('/repos/:owner/:repo/branches/*', async (req, reply) => {
    const r = repoOf(req);
    const m = /^(.*)\/protection(\/required_status_checks(\/contexts)?)?$/.exec(params(req)['*'] ?? '');
    if (!m) throw errors.notFound();
    requireAdminWrite(req, r);
    const p = r.protection.get(m[1]);
    if (!p) throw errors.notFound();
    if (!m[2]) {
      r.protection.delete(m[1]);
      return reply.code(204).send();
    }
    if (!m[3]) {
      p.required_status_checks = null;
      return reply.code(204).send();
    }
    if (!p.required_status_checks) throw errors.notFound();
    const remove = new Set(contextsOf(Array.isArray(req.body) ? req.body : body(req).contexts));
    p.required_status_checks.contexts = p.required_status_checks.contexts.filter((c) => !remove.has(c));
    return reply.code(200).send([...p.required_status_checks.contexts]);
  });
}
