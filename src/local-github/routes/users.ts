/** Users, organizations, org membership, teams and team membership. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import type { Account, Team } from '../state/types.js';
import { teamBySlug } from '../domain/accounts.js';
import { params, query } from './util.js';

export function registerUsers(api: FastifyInstance, ctx: LocalGitHubContext): void {
  const { state, errors } = ctx;

  const me = (req: FastifyRequest): Account => {
    const c = ctx.caller(req);
    if (c.kind !== 'user') throw c.kind === 'anonymous' ? errors.requiresAuth() : errors.notAccessibleByIntegration();
    return state.account(c.userId!);
  };
  const org = (login: string): Account => {
    const a = state.accountByLogin(login);
    if (!a || a.type !== 'Organization') throw errors.notFound();
    return a;
  };
  const isMember = (o: Account, userId: number | undefined): boolean =>
    userId !== undefined && state.orgMembers.get(o.id)?.get(userId)?.state === 'active';
  const teamJson = (t: Team): Record<string, unknown> => {
    const o = state.account(t.orgId);
    const u = ctx.urls.api(`/organizations/${o.id}/team/${t.id}`);
    const parent = t.parentId === null ? null : state.teams.get(t.parentId);
    return {
      id: t.id, node_id: t.node_id, url: u, html_url: ctx.urls.web(`/orgs/${o.login}/teams/${t.slug}`), name: t.name, slug: t.slug,
      description: t.description, privacy: t.privacy, notification_setting: 'notifications_enabled', permission: 'pull', type: 'organization', organization_id: o.id,
      members_url: `${u}/members{/member}`, repositories_url: `${u}/repos`,
      parent: parent ? { id: parent.id, node_id: parent.node_id, url: ctx.urls.api(`/organizations/${o.id}/team/${parent.id}`), name: parent.name, slug: parent.slug, description: parent.description, privacy: parent.privacy, permission: 'pull', members_url: ctx.urls.api(`/organizations/${o.id}/team/${parent.id}/members{/member}`), repositories_url: ctx.urls.api(`/organizations/${o.id}/team/${parent.id}/repos`), html_url: ctx.urls.web(`/orgs/${o.login}/teams/${parent.slug}`), notification_setting: 'notifications_enabled', type: 'organization' } : null,
    };
  };
  /** Secret teams are visible to org members only. */
  const visibleTeam = (req: FastifyRequest, orgLogin: string, slug: string): Team => {
    const o = org(orgLogin);
    const t = teamBySlug(state, o.id, slug);
    const c = ctx.caller(req);
    if (!t) throw errors.notFound();
    if (c.kind === 'installation') {
      const inst = state.installations.get(c.installationId!);
      if (!inst || inst.accountId !== o.id || !ctx.hasAppPermission(c.permissions ?? {}, 'members', 'read')) throw errors.notFound();
      return t;
    }
    if (!isMember(o, c.userId)) throw errors.notFound();
    return t;
  };
  const membershipJson = (o: Account, user: Account): Record<string, unknown> => {
    const m = state.orgMembers.get(o.id)?.get(user.id);
    return {
      url: ctx.urls.api(`/orgs/${o.login}/memberships/${user.login}`), state: m?.state ?? 'active', role: m?.role ?? 'member',
      organization_url: ctx.urls.api(`/orgs/${o.login}`), organization: ctx.serialize.org(o), user: ctx.serialize.user(user),
    };
  };

  api.get('/user', async (req) => ctx.serialize.fullUser(me(req)));

  api.get('/users/:login', async (req) => {
    const a = state.accountByLogin(params(req).login);
    if (!a) throw errors.notFound();
    return a.type === 'Organization' ? ctx.serialize.fullOrg(a) : ctx.serialize.fullUser(a);
  });

  api.get('/user/orgs', async (req, reply) => {
    const u = me(req);
    const orgs = [...state.orgMembers].filter(([, m]) => m.get(u.id)?.state === 'active').map(([id]) => ctx.serialize.org(state.account(id)));
    return ctx.paginate(req, reply, orgs, ctx.urls.api('/user/orgs'));
  });

  // Public memberships only; the emulator treats every active membership as public.
  api.get('/users/:login/orgs', async (req, reply) => {
    const u = state.accountByLogin(params(req).login);
    if (!u || u.type !== 'User') throw errors.notFound();
    const orgs = [...state.orgMembers].filter(([, m]) => m.get(u.id)?.state === 'active').map(([id]) => ctx.serialize.org(state.account(id)));
    return ctx.paginate(req, reply, orgs, ctx.urls.api(`/users/${u.login}/orgs`));
  });

  api.get('/orgs/:org', async (req) => ctx.serialize.fullOrg(org(params(req).org)));

  api.get('/orgs/:org/members', async (req, reply) => {
    const o = org(params(req).org);
    const role = query(req).role ?? 'all';
    const members = [...(state.orgMembers.get(o.id) ?? new Map())]
      .filter(([, m]) => m.state === 'active' && (role === 'all' || m.role === role))
      .map(([id]) => ctx.serialize.user(state.account(id)));
    return ctx.paginate(req, reply, members, ctx.urls.api(`/orgs/${o.login}/members`));
  });

  api.get('/orgs/:org/members/:username', async (req, reply) => {
    const o = org(params(req).org);
    const u = state.accountByLogin(params(req).username);
    const c = ctx.caller(req);
    const callerIsMember = isMember(o, c.userId) || (c.kind === 'installation' && state.installations.get(c.installationId!)?.accountId === o.id);
    if (!callerIsMember) {
      // Non-members are redirected to the public membership check, as on GitHub.
      return reply.code(302).header('location', ctx.urls.api(`/orgs/${o.login}/public_members/${params(req).username}`)).send();
    }
    if (!u || !isMember(o, u.id)) throw errors.notFound();
    return reply.code(204).send();
  });

  api.get('/orgs/:org/public_members/:username', async (req, reply) => {
    const o = org(params(req).org);
    const u = state.accountByLogin(params(req).username);
    if (!u || !isMember(o, u.id)) throw errors.notFound();
    return reply.code(204).send();
  });

  api.get('/orgs/:org/memberships/:username', async (req) => {
    const o = org(params(req).org);
    const u = state.accountByLogin(params(req).username);
    const c = ctx.caller(req);
    const allowed = isMember(o, c.userId) || (c.kind === 'installation' && state.installations.get(c.installationId!)?.accountId === o.id);
    if (!allowed || !u || !state.orgMembers.get(o.id)?.has(u.id)) throw errors.notFound();
    return membershipJson(o, u);
  });

  api.get('/user/memberships/orgs/:org', async (req) => {
    const u = me(req);
    const o = org(params(req).org);
    if (!state.orgMembers.get(o.id)?.has(u.id)) throw errors.notFound();
    return membershipJson(o, u);
  });

  api.get('/user/memberships/orgs', async (req, reply) => {
    const u = me(req);
    const list = [...state.orgMembers].filter(([, m]) => m.has(u.id)).map(([id]) => membershipJson(state.account(id), u));
    return ctx.paginate(req, reply, list, ctx.urls.api('/user/memberships/orgs'));
  });

  api.get('/orgs/:org/teams', async (req, reply) => {
    const o = org(params(req).org);
    const c = ctx.caller(req);
    const inst = c.kind === 'installation' ? state.installations.get(c.installationId!) : undefined;
    if (!isMember(o, c.userId) && !(inst?.accountId === o.id && ctx.hasAppPermission(c.permissions ?? {}, 'members', 'read'))) throw errors.notFound();
    const teams = [...state.teams.values()].filter((t) => t.orgId === o.id).sort((a, b) => a.id - b.id).map(teamJson);
    return ctx.paginate(req, reply, teams, ctx.urls.api(`/orgs/${o.login}/teams`));
  });

  api.get('/orgs/:org/teams/:slug', async (req) => {
    const t = visibleTeam(req, params(req).org, params(req).slug);
    return { ...teamJson(t), members_count: t.members.size, repos_count: t.repos.size, created_at: ctx.serialize.time(t.created_at), updated_at: ctx.serialize.time(t.updated_at), organization: ctx.serialize.fullOrg(state.account(t.orgId)) };
  });

  api.get('/orgs/:org/teams/:slug/members', async (req, reply) => {
    const t = visibleTeam(req, params(req).org, params(req).slug);
    const role = query(req).role ?? 'all';
    // Members of child teams count as members of the parent (GitHub's default for this endpoint).
    const ids = new Map<number, string>();
    const collect = (team: Team): void => {
      for (const [id, r] of team.members) if (!ids.has(id)) ids.set(id, r);
      for (const child of state.teams.values()) if (child.parentId === team.id) collect(child);
    };
    collect(t);
    const list = [...ids].filter(([, r]) => role === 'all' || r === role).map(([id]) => ctx.serialize.user(state.account(id)));
    return ctx.paginate(req, reply, list, ctx.urls.api(`/organizations/${t.orgId}/team/${t.id}/members`));
  });

  api.get('/orgs/:org/teams/:slug/memberships/:username', async (req) => {
    const t = visibleTeam(req, params(req).org, params(req).slug);
    const u = state.accountByLogin(params(req).username);
    const role = u ? t.members.get(u.id) : undefined;
    if (!u || !role) throw errors.notFound();
    return { url: ctx.urls.api(`/organizations/${t.orgId}/team/${t.id}/memberships/${u.login}`), role, state: 'active' };
  });

  api.get('/orgs/:org/teams/:slug/repos', async (req, reply) => {
    const t = visibleTeam(req, params(req).org, params(req).slug);
    const list = [...t.repos].map(([id, p]) => ctx.serialize.repo(state.repo(id), p));
    return ctx.paginate(req, reply, list, ctx.urls.api(`/organizations/${t.orgId}/team/${t.id}/repos`));
  });

  api.get('/user/teams', async (req, reply) => {
    const u = me(req);
    const list = [...state.teams.values()].filter((t) => t.members.has(u.id)).map((t) => ({
      ...teamJson(t), members_count: t.members.size, repos_count: t.repos.size, created_at: ctx.serialize.time(t.created_at),
      updated_at: ctx.serialize.time(t.updated_at), organization: ctx.serialize.fullOrg(state.account(t.orgId)),
    }));
    return ctx.paginate(req, reply, list, ctx.urls.api('/user/teams'));
  });
}
