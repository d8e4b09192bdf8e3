/** Control API: world building (accounts, teams, repos, apps, installations) and acting as users. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LocalGitHub } from '../server.js';
import type { AppPermissionLevel, Permission } from '../state/types.js';
import { fullPull } from '../serialize/pulls.js';

type Body = Record<string, unknown>;

function b(req: FastifyRequest): Body {
  const v = req.body;
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('body must be a JSON object');
  return v as Body;
}
function p(req: FastifyRequest): Record<string, string> {
  return req.params as Record<string, string>;
}
function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${name} (string) is required`);
  return v;
}
function optStr(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  return str(v, name);
}
function strList(v: unknown, name: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`${name} must be an array of strings`);
  return v as string[];
}
function record<T>(v: unknown, name: string): Record<string, T> | undefined {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${name} must be an object`);
  return Object.fromEntries(Object.entries(v as object)) as Record<string, T>;
}

export function registerWorldControl(control: FastifyInstance, lg: LocalGitHub): void {
  const { admin, state, webhooks } = lg;
  const settle = () => webhooks.idle();

  control.get('/', async () => ({
    message: 'local GitHub control API (not part of GitHub\'s API)',
    api_url: lg.urls.apiBase, web_url: lg.urls.webBase,
  }));

  control.post('/users', async (req, reply) => {
    const body = b(req);
    const { user, token } = admin.createUser(str(body.login, 'login'), { name: optStr(body.name, 'name'), email: optStr(body.email, 'email'), scopes: strList(body.scopes, 'scopes') });
    return reply.code(201).send({ id: user.id, login: user.login, token });
  });

  control.post('/users/:login/tokens', async (req, reply) => {
    const body = b(req);
    const expiresIn = body.expires_in_seconds === undefined ? null : Number(body.expires_in_seconds);
    if (expiresIn !== null && !(expiresIn > 0)) throw new Error('expires_in_seconds must be a positive number');
    const token = admin.token(p(req).login, strList(body.scopes, 'scopes'), expiresIn === null ? null : state.now() + expiresIn * 1000);
    return reply.code(201).send({ token });
  });

  control.post('/orgs', async (req, reply) => {
    const body = b(req);
    const org = admin.createOrg(str(body.login, 'login'), { name: optStr(body.name, 'name'), description: optStr(body.description, 'description'), admins: strList(body.admins, 'admins'), members: strList(body.members, 'members') });
    return reply.code(201).send({ id: org.id, login: org.login });
  });

  control.put('/orgs/:org/members/:login', async (req, reply) => {
    const role = b(req).role ?? 'member';
    if (role !== 'admin' && role !== 'member') throw new Error('role must be admin or member');
    admin.addOrgMember(p(req).org, p(req).login, role);
    return reply.code(204).send();
  });

  control.delete('/orgs/:org/members/:login', async (req, reply) => {
    admin.removeOrgMember(p(req).org, p(req).login);
    return reply.code(204).send();
  });

  control.post('/orgs/:org/teams', async (req, reply) => {
    const body = b(req);
    const t = admin.createTeam(p(req).org, str(body.name, 'name'), {
      members: strList(body.members, 'members'), maintainers: strList(body.maintainers, 'maintainers'), parent: optStr(body.parent, 'parent'),
      privacy: body.privacy === 'secret' ? 'secret' : 'closed', repos: record<Permission>(body.repos, 'repos'),
    });
    return reply.code(201).send({ id: t.id, slug: t.slug });
  });

  control.put('/orgs/:org/teams/:slug/members/:login', async (req, reply) => {
    const role = b(req).role ?? 'member';
    if (role !== 'member' && role !== 'maintainer') throw new Error('role must be member or maintainer');
    admin.addTeamMember(p(req).org, p(req).slug, p(req).login, role);
    return reply.code(204).send();
  });

  control.delete('/orgs/:org/teams/:slug/members/:login', async (req, reply) => {
    admin.removeTeamMember(p(req).org, p(req).slug, p(req).login);
    return reply.code(204).send();
  });

  control.post('/repos', async (req, reply) => {
    const body = b(req);
    const files = record<string>(body.files, 'files');
    if (files && Object.values(files).some((v) => typeof v !== 'string')) throw new Error('files values must be strings');
    const r = admin.createRepo(str(body.full_name, 'full_name'), { private: body.private === true, default_branch: optStr(body.default_branch, 'default_branch'), files, description: optStr(body.description, 'description') });
    await settle();
    return reply.code(201).send({ id: r.id, full_name: state.fullName(r), default_branch: r.default_branch, head: r.refs.get(`refs/heads/${r.default_branch}`) ?? null });
  });

  control.put('/repos/:owner/:repo/collaborators/:login', async (req, reply) => {
    const perm = b(req).permission ?? 'write';
    if (perm !== null && !['read', 'triage', 'write', 'maintain', 'admin'].includes(String(perm))) throw new Error('permission must be read, triage, write, maintain or admin (or null to remove)');
    admin.setCollaborator(`${p(req).owner}/${p(req).repo}`, p(req).login, perm as Permission | null);
    return reply.code(204).send();
  });

  control.post('/repos/:owner/:repo/fork', async (req, reply) => {
    const r = admin.fork(`${p(req).owner}/${p(req).repo}`, str(b(req).owner, 'owner'));
    return reply.code(201).send({ id: r.id, full_name: state.fullName(r) });
  });

  control.post('/repos/:owner/:repo/push', async (req, reply) => {
    const body = b(req);
    const files = record<string | null>(body.files, 'files') ?? {};
    if (Object.values(files).some((v) => v !== null && typeof v !== 'string')) throw new Error('files values must be strings (or null to delete)');
    const sha = admin.push(`${p(req).owner}/${p(req).repo}`, { branch: optStr(body.branch, 'branch'), files, message: optStr(body.message, 'message'), author: str(body.author, 'author'), from: optStr(body.from, 'from') });
    await settle();
    return reply.code(201).send({ sha });
  });

  control.post('/repos/:owner/:repo/pulls', async (req, reply) => {
    const body = b(req);
    const full = `${p(req).owner}/${p(req).repo}`;
    const pr = admin.openPull(full, { author: str(body.author, 'author'), title: str(body.title, 'title'), body: optStr(body.body, 'body'), head: str(body.head, 'head'), base: optStr(body.base, 'base'), draft: body.draft === true });
    await settle();
    return reply.code(201).send(fullPull(lg.ctx, admin.repo(full), pr));
  });

  control.post('/repos/:owner/:repo/pulls/:number/comments', async (req, reply) => {
    const body = b(req);
    const c = admin.comment(`${p(req).owner}/${p(req).repo}`, Number(p(req).number), str(body.author, 'author'), str(body.body, 'body'));
    await settle();
    return reply.code(201).send({ id: c.id });
  });

  control.post('/repos/:owner/:repo/pulls/:number/reviews', async (req, reply) => {
    const body = b(req);
    const event = str(body.event, 'event');
    if (!['APPROVE', 'REQUEST_CHANGES', 'COMMENT'].includes(event)) throw new Error('event must be APPROVE, REQUEST_CHANGES or COMMENT');
    const r = admin.review(`${p(req).owner}/${p(req).repo}`, Number(p(req).number), str(body.author, 'author'), event as 'APPROVE', optStr(body.body, 'body') ?? '');
    await settle();
    return reply.code(201).send({ id: r.id, state: r.state });
  });

  control.post('/repos/:owner/:repo/pulls/:number/merge', async (req, reply) => {
    const body = b(req);
    const method = body.method ?? 'merge';
    if (!['merge', 'squash', 'rebase'].includes(String(method))) throw new Error('method must be merge, squash or rebase');
    const sha = admin.mergePull(`${p(req).owner}/${p(req).repo}`, Number(p(req).number), str(body.by, 'by'), method as 'merge');
    await settle();
    return reply.code(200).send({ sha });
  });

  control.post('/repos/:owner/:repo/pulls/:number/close', async (req, reply) => {
    const body = b(req);
    admin.closePull(`${p(req).owner}/${p(req).repo}`, Number(p(req).number), str(body.by, 'by'), body.reopen === true);
    await settle();
    return reply.code(204).send();
  });

  control.post('/apps', async (req, reply) => {
    const body = b(req);
    const app = admin.createApp(str(body.name, 'name'), {
      owner: optStr(body.owner, 'owner'), permissions: record<AppPermissionLevel>(body.permissions, 'permissions'), events: strList(body.events, 'events'),
      webhook_url: optStr(body.webhook_url, 'webhook_url') ?? null, webhook_secret: body.webhook_secret === undefined ? undefined : optStr(body.webhook_secret, 'webhook_secret') ?? null,
    });
    return reply.code(201).send({ id: app.id, slug: app.slug, private_key: app.private_key, webhook_secret: app.webhook_secret, client_id: app.client_id, client_secret: app.client_secret });
  });

  control.patch('/apps/:slug', async (req) => {
    const body = b(req);
    const app = admin.app(p(req).slug);
    if (body.webhook_url !== undefined) app.webhook_url = optStr(body.webhook_url, 'webhook_url') ?? null;
    if (body.webhook_secret !== undefined) app.webhook_secret = optStr(body.webhook_secret, 'webhook_secret') ?? null;
    return { id: app.id, slug: app.slug, webhook_url: app.webhook_url };
  });

  control.post('/apps/:slug/installations', async (req, reply) => {
    const body = b(req);
    const repos = body.repositories === undefined || body.repositories === 'all' ? 'all' : strList(body.repositories, 'repositories')!;
    const inst = admin.install(p(req).slug, str(body.account, 'account'), repos, optStr(body.sender, 'sender'));
    await settle();
    return reply.code(201).send({ id: inst.id, account: state.account(inst.accountId).login });
  });

  control.post('/installations/:id/repositories', async (req, reply) => {
    const body = b(req);
    admin.setInstallationRepos(Number(p(req).id), strList(body.add, 'add') ?? [], strList(body.remove, 'remove') ?? []);
    await settle();
    return reply.code(204).send();
  });

  control.post('/installations/:id/suspend', async (req, reply) => {
    admin.suspend(Number(p(req).id), b(req).suspended !== false);
    await settle();
    return reply.code(204).send();
  });

  control.post('/installations/:id/token', async (req, reply) => reply.code(201).send({ token: admin.installationToken(Number(p(req).id)) }));
}
