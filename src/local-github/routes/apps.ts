/** GitHub App endpoints: the app itself (JWT), installations, installation tokens, installation repositories. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import type { App, AppPermissionLevel, Installation } from '../state/types.js';
import { GitHubError } from '../http/errors.js';
import { installationRepos, issueInstallationToken } from '../domain/apps.js';
import { body, intParam, params } from './util.js';

export function registerApps(api: FastifyInstance, ctx: LocalGitHubContext): void {
  const { state, errors } = ctx;

  /** Endpoints that need the app's JWT answer 401 with GitHub's wording otherwise. */
  const requireApp = (req: FastifyRequest): App => {
    const c = ctx.caller(req);
    if (c.kind !== 'app') throw new GitHubError(401, 'A JSON web token could not be decoded');
    return state.apps.get(c.appId!)!;
  };
  const instOf = (app: App, id: number): Installation => {
    const i = state.installations.get(id);
    if (!i || i.appId !== app.id) throw errors.notFound();
    return i;
  };

  api.get('/app', async (req) => {
    const c = ctx.caller(req);
    if (c.kind === 'installation') return ctx.serialize.app(state.apps.get(c.appId!)!);
    return ctx.serialize.app(requireApp(req));
  });

  api.get('/apps/:slug', async (req) => {
    const app = [...state.apps.values()].find((a) => a.slug === params(req).slug);
    if (!app) throw errors.notFound();
    return ctx.serialize.app(app);
  });

  api.get('/app/installations', async (req, reply) => {
    const app = requireApp(req);
    const list = [...state.installations.values()].filter((i) => i.appId === app.id).map((i) => ctx.serialize.installation(i));
    return ctx.paginate(req, reply, list, ctx.urls.api('/app/installations'));
  });

  api.get('/app/installations/:id', async (req) => ctx.serialize.installation(instOf(requireApp(req), intParam(params(req).id))));

  api.delete('/app/installations/:id', async (req, reply) => {
    const app = requireApp(req);
    const inst = instOf(app, intParam(params(req).id));
    state.installations.delete(inst.id);
    ctx.bus.emit('installation', { action: 'deleted', installation: inst, sender: state.account(inst.accountId) });
    return reply.code(204).send();
  });

  api.post('/app/installations/:id/access_tokens', async (req, reply) => {
    const app = requireApp(req);
    const inst = instOf(app, intParam(params(req).id));
    if (inst.suspended_at !== null) throw errors.forbidden('This installation has been suspended');
    const b = body(req);
    const all = installationRepos(state, inst);
    let repoIds: number[] | undefined;
    if (b.repositories !== undefined || b.repository_ids !== undefined) {
      const names = Array.isArray(b.repositories) ? b.repositories : [];
      const ids = Array.isArray(b.repository_ids) ? b.repository_ids : [];
      repoIds = [];
      for (const n of names) {
        const r = all.find((x) => x.name === n);
        if (!r) throw errors.unprocessable(`There is at least one repository that does not exist or is not accessible to the parent installation.`);
        repoIds.push(r.id);
      }
      for (const id of ids) {
        if (!all.some((x) => x.id === id)) throw errors.unprocessable(`There is at least one repository that does not exist or is not accessible to the parent installation.`);
        repoIds.push(id as number);
      }
    }
    let permissions: Record<string, AppPermissionLevel> | undefined;
    if (b.permissions !== undefined) {
      if (!b.permissions || typeof b.permissions !== 'object') throw errors.invalidRequest('For \'properties/permissions\', is not an object.');
      permissions = Object.create(null) as Record<string, AppPermissionLevel>;
      for (const [k, v] of Object.entries(b.permissions as Record<string, unknown>)) {
        if (v !== 'read' && v !== 'write' && v !== 'admin') throw errors.unprocessable(`The permission ${k} is not valid`);
        if (!ctx.hasAppPermission(inst.permissions, k, v)) throw errors.unprocessable(`The permissions requested are not granted to this installation.`);
        permissions[k] = v;
      }
      permissions = { ...permissions };
    }
    const { token, expires_at } = issueInstallationToken(state, inst, { repoIds, permissions });
    const granted = repoIds ? all.filter((r) => repoIds!.includes(r.id)) : undefined;
    return reply.code(201).send({
      token, expires_at: ctx.serialize.time(expires_at), permissions: { ...(permissions ?? inst.permissions) },
      repository_selection: repoIds ? 'selected' : inst.repository_selection,
      ...(granted ? { repositories: granted.map((r) => ctx.serialize.repo(r)) } : {}),
    });
  });

  const installationFor = (req: FastifyRequest, accountId: number, repoId?: number): Record<string, unknown> => {
    const app = requireApp(req);
    const inst = [...state.installations.values()].find((i) => i.appId === app.id && i.accountId === accountId
      && (repoId === undefined || i.repository_selection === 'all' || i.repoIds.has(repoId)));
    if (!inst) throw errors.notFound();
    return ctx.serialize.installation(inst);
  };

  api.get('/repos/:owner/:repo/installation', async (req) => {
    const r = state.repoByName(params(req).owner, params(req).repo);
    if (!r) throw errors.notFound();
    return installationFor(req, r.ownerId, r.id);
  });
  api.get('/orgs/:org/installation', async (req) => {
    const a = state.accountByLogin(params(req).org);
    if (!a || a.type !== 'Organization') throw errors.notFound();
    return installationFor(req, a.id);
  });
  api.get('/users/:username/installation', async (req) => {
    const a = state.accountByLogin(params(req).username);
    if (!a) throw errors.notFound();
    return installationFor(req, a.id);
  });

  api.get('/installation/repositories', async (req, reply) => {
    const c = ctx.caller(req);
    if (c.kind !== 'installation') throw c.kind === 'anonymous' ? errors.requiresAuth() : new GitHubError(403, 'You must authenticate with an installation access token in order to list repositories for an installation.');
    const inst = state.installations.get(c.installationId!)!;
    const repos = installationRepos(state, inst).filter((r) => c.repoIds == null || c.repoIds.includes(r.id)).sort((a, b) => a.id - b.id);
    const page = ctx.paginate(req, reply, repos, ctx.urls.api('/installation/repositories'));
    return { total_count: repos.length, repositories: page.map((r) => ctx.serialize.repo(r, ctx.permission(c, r))), repository_selection: inst.repository_selection };
  });

  api.delete('/installation/token', async (req, reply) => {
    const c = ctx.caller(req);
    if (c.kind !== 'installation' || !c.token) throw errors.badCredentials();
    state.tokens.delete(c.token);
    return reply.code(204).send();
  });

  api.get('/user/installations', async (req, reply) => {
    const c = ctx.caller(req);
    if (c.kind !== 'user') throw errors.requiresAuth();
    const orgIds = new Set([...state.orgMembers].filter(([, m]) => m.get(c.userId!)?.state === 'active').map(([id]) => id));
    const list = [...state.installations.values()].filter((i) => i.accountId === c.userId || orgIds.has(i.accountId)).map((i) => ctx.serialize.installation(i));
    const page = ctx.paginate(req, reply, list, ctx.urls.api('/user/installations'));
    return { total_count: list.length, installations: page };
  });
}
